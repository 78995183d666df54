import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(packageRoot, "package.json"));

/** Contracts we deploy, by Solidity name, with the name of their generated module and export. */
const contracts = [
  { name: "VVV", file: "vvv", exportName: "vvv" },
  { name: "Staking", file: "staking", exportName: "staking" },
  { name: "DIEM", file: "diem", exportName: "diem" },
  { name: "Subscriptions", file: "subscriptions", exportName: "subscriptions" },
  { name: "BuybackBurner", file: "buyback-burner", exportName: "buybackBurner" },
  { name: "MockUSDC", file: "mock-usdc", exportName: "mockUsdc" },
] as const;

/** Uniswap V2 artifacts re-exported from the npm build output, never recompiled. */
const uniswapArtifacts = [
  {
    artifact: "@uniswap/v2-core/build/UniswapV2Factory.json",
    file: "uniswap-v2-factory",
    exportName: "uniswapV2Factory",
  },
  {
    artifact: "@uniswap/v2-core/build/UniswapV2Pair.json",
    file: "uniswap-v2-pair",
    exportName: "uniswapV2Pair",
  },
  {
    artifact: "@uniswap/v2-periphery/build/UniswapV2Router02.json",
    file: "uniswap-v2-router02",
    exportName: "uniswapV2Router02",
  },
  { artifact: "@uniswap/v2-periphery/build/WETH9.json", file: "weth9", exportName: "weth9" },
] as const;

/** The compiler settings every build uses; part of the generated header so a change shows up as a diff. */
export const compilerSettings = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 200 },
} as const;

/** EIP-170 limit on deployed code size. */
const MAX_CODE_SIZE = 24_576;

export interface GeneratedFile {
  /** File name inside `generated/`. */
  name: string;
  content: string;
}

interface SolcOutput {
  errors?: {
    severity: "error" | "warning" | "info";
    formattedMessage: string;
    sourceLocation?: { file: string };
  }[];
  contracts: Record<
    string,
    Record<
      string,
      { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
    >
  >;
}

/** Every `.sol` file under `src/`, keyed by its path relative to the package (the solc source unit name). */
function readSources(): Record<string, { content: string }> {
  const sources: Record<string, { content: string }> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".sol")) {
        sources[relative(packageRoot, path).split("\\").join("/")] = { content: readFileSync(path, "utf8") };
      }
    }
  };
  walk(join(packageRoot, "src"));
  return sources;
}

/** solc import callback: resolves `@openzeppelin/...` (or any package path) through node resolution. */
function findImport(path: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(path), "utf8") };
  } catch {
    return { error: `import not found: ${path}` };
  }
}

/**
 * Compiles `src/*.sol` with the npm `solc` package (standard JSON) and renders the generated modules:
 * one `{ abi, bytecode } as const` module per deployable contract, the Uniswap V2 artifacts and an index.
 * Pure apart from reading files, so the staleness test can compare its output with the committed files.
 */
export function generateArtifacts(): GeneratedFile[] {
  const input = {
    language: "Solidity",
    sources: readSources(),
    settings: {
      ...compilerSettings,
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  // Errors anywhere fail the build, and so do warnings in our own sources. OpenZeppelin's generic
  // warning about transient storage (its reentrancy guard) is expected and ignored.
  const problems = (output.errors ?? []).filter(
    (e) =>
      e.severity === "error" ||
      (e.severity === "warning" && e.sourceLocation?.file.startsWith("src/") !== false),
  );
  if (problems.length > 0) {
    throw new Error(`solc reported problems:\n${problems.map((e) => e.formattedMessage).join("\n")}`);
  }

  const byName = new Map<string, { source: string; contract: SolcOutput["contracts"][string][string] }>();
  for (const [source, file] of Object.entries(output.contracts)) {
    for (const [name, contract] of Object.entries(file)) byName.set(name, { source, contract });
  }

  const compiler = `solc ${solc.version()}, evm ${compilerSettings.evmVersion}, optimizer ${compilerSettings.optimizer.runs} runs`;
  const files: GeneratedFile[] = [];
  for (const { name, file, exportName } of contracts) {
    const compiled = byName.get(name);
    if (!compiled) throw new Error(`solc produced no contract named ${name}`);
    const { source, contract } = compiled;
    const codeSize = contract.evm.deployedBytecode.object.length / 2;
    if (codeSize > MAX_CODE_SIZE) throw new Error(`${name} is ${codeSize} bytes, over the EIP-170 limit`);
    files.push({
      name: `${file}.ts`,
      content: renderModule(
        `${source}:${name} (${compiler})`,
        exportName,
        contract.abi,
        contract.evm.bytecode.object,
      ),
    });
  }
  for (const { artifact, file, exportName } of uniswapArtifacts) {
    const json = JSON.parse(readFileSync(require.resolve(artifact), "utf8")) as {
      abi: unknown[];
      bytecode: string;
    };
    files.push({ name: `${file}.ts`, content: renderModule(artifact, exportName, json.abi, json.bytecode) });
  }

  const exports = [...contracts, ...uniswapArtifacts]
    .map(({ file, exportName }) => `export { ${exportName} } from "./${file}.ts";`)
    .join("\n");
  files.push({ name: "index.ts", content: `${header("all contracts")}\n${exports}\n` });
  return files;
}

function header(source: string): string {
  return `// Generated by contracts-abi/scripts/compile.ts from ${source}. Do not edit.`;
}

function renderModule(source: string, exportName: string, abi: unknown[], bytecode: string): string {
  const hex = bytecode.startsWith("0x") ? bytecode : `0x${bytecode}`;
  return `${header(source)}\nexport const ${exportName} = {\n  abi: ${JSON.stringify(abi, null, 2).replaceAll("\n", "\n  ")},\n  bytecode: "${hex}",\n} as const;\n`;
}
