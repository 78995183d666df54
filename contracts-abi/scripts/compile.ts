import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateArtifacts } from "./generate-artifacts.ts";

// `pnpm --filter @masque/contracts-abi build`: regenerates generated/ from src/ and the Uniswap artifacts.
const generatedDir = join(dirname(fileURLToPath(import.meta.url)), "..", "generated");
const files = generateArtifacts();
mkdirSync(generatedDir, { recursive: true });
const keep = new Set(files.map((f) => f.name));
for (const stale of readdirSync(generatedDir)) {
  if (!keep.has(stale)) rmSync(join(generatedDir, stale));
}
for (const file of files) writeFileSync(join(generatedDir, file.name), file.content);
console.log(`wrote ${files.length} files to ${generatedDir}`);
