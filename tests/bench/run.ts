import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Bench, BenchResult } from "./bench-result.ts";

/**
 * `pnpm bench`: runs every benchmark one after another (never in parallel, so
 * they do not disturb each other's timings), then writes results.json and the
 * Markdown table in README.md beside this file.
 */
const benches: Record<string, () => Promise<{ default: Bench }>> = {
  redaction: () => import("./redaction.ts"),
  "chain-gas": () => import("./chain-gas.ts"),
  "web-bundle": () => import("./web-bundle.ts"),
};

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const results: BenchResult[] = [];
for (const [name, load] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  results.push(await (await load()).default());
}

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString();
fs.writeFileSync(
  path.join(here, "results.json"),
  `${JSON.stringify({ date, machine, results: Object.fromEntries(results.map((r) => [r.name, r])) }, null, 2)}\n`,
);

const table = (rows: BenchResult["rows"]) => {
  const first = rows[0];
  if (!first) return "_no rows_\n";
  const cols = Object.keys(first);
  return [
    `| ${cols.join(" | ")} |`,
    `| ${cols.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${cols.map((c) => String(r[c] ?? "")).join(" | ")} |`),
  ].join("\n");
};
const sections = results.map((r) => {
  const goals = r.goals?.length
    ? `\n\n${r.goals.map((g) => `- ${g.met ? "✅" : "❌"} ${g.goal}: ${g.value}`).join("\n")}`
    : "";
  return `## ${r.name}\n\n${r.description}\n\n${table(r.rows)}${goals}\n`;
});
fs.writeFileSync(
  path.join(here, "README.md"),
  `# Benchmarks\n\nLatest run of \`pnpm bench\` (\`pnpm bench <name>\` runs one): ${date}, on ${machine}.\nRaw numbers are in results.json.\n\n${sections.join("\n")}`,
);
process.stdout.write(`${sections.join("\n")}\n`);
