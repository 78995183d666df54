import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Bench, BenchResult } from "./bench-result.ts";

/**
 * `pnpm bench`: runs every benchmark one after another (never in parallel, so
 * they do not disturb each other's timings), then writes results.json and the
 * Markdown table in README.md beside this file. `pnpm bench <name>…` runs only
 * those and keeps the other benchmarks' last results.
 */
const benches: Record<string, () => Promise<{ default: Bench }>> = {
  redaction: () => import("./redaction.ts"),
  "chain-gas": () => import("./chain-gas.ts"),
  "web-bundle": () => import("./web-bundle.ts"),
  ledger: () => import("./ledger.ts"),
  streaming: () => import("./streaming.ts"),
  "gateway-overhead": () => import("./gateway-overhead.ts"),
};

/** A result as stored: when, where and under what load it was measured. */
type StoredResult = BenchResult & {
  measured?: {
    date: string;
    machine: string;
    loadAverage1m: { before: number; after: number; cores: number };
  };
};

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(here, "results.json");
const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(benches).join(", ")}\n`,
  );
  process.exit(2);
}

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const results: Record<string, StoredResult> = {};
if (only.length > 0 && fs.existsSync(resultsFile)) {
  const previous = JSON.parse(fs.readFileSync(resultsFile, "utf8")) as {
    date?: string;
    machine?: string;
    results?: Record<string, StoredResult>;
  };
  for (const [name, r] of Object.entries(previous.results ?? {})) {
    if (!(name in benches)) continue;
    results[name] = r.measured
      ? r
      : {
          ...r,
          measured: {
            date: previous.date ?? "",
            machine: previous.machine ?? "",
            loadAverage1m: { before: Number.NaN, after: Number.NaN, cores: os.availableParallelism() },
          },
        };
  }
}
for (const [name, load] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const before = os.loadavg()[0] ?? 0;
  const result = await (await load()).default();
  results[name] = {
    ...result,
    measured: {
      date: new Date().toISOString(),
      machine,
      loadAverage1m: { before, after: os.loadavg()[0] ?? 0, cores: os.availableParallelism() },
    },
  };
}

const ordered = Object.keys(benches).flatMap((name) => (results[name] ? [results[name]] : []));
const date = new Date().toISOString();
fs.writeFileSync(
  resultsFile,
  `${JSON.stringify({ date, machine, results: Object.fromEntries(ordered.map((r) => [r.name, r])) }, null, 2)}\n`,
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
const sections = ordered.map((r) => {
  const goals = r.goals?.length
    ? `\n\n${r.goals.map((g) => `- ${g.met ? "✅" : "❌"} ${g.goal}: ${g.value}`).join("\n")}`
    : "";
  const m = r.measured;
  const load =
    m && Number.isFinite(m.loadAverage1m.before)
      ? `, load average ${m.loadAverage1m.before.toFixed(2)} → ${m.loadAverage1m.after.toFixed(2)} on ${m.loadAverage1m.cores} cores`
      : "";
  const when = m ? `_Measured ${m.date} on ${m.machine}${load}._\n\n` : "";
  return `## ${r.name}\n\n${when}${r.description}\n\n${table(r.rows)}${goals}\n`;
});
fs.writeFileSync(
  path.join(here, "README.md"),
  `# Benchmarks\n\nLatest results of \`pnpm bench\` (\`pnpm bench <name>\` reruns one and keeps the others), written ${date}. ` +
    "Each section says when, where and under what load it ran: other work on the machine slows wall-clock numbers, " +
    "so a load average near or above the core count means timings are pessimistic.\nRaw numbers are in results.json.\n\n" +
    sections.join("\n"),
);
process.stdout.write(`${sections.join("\n")}\n`);
