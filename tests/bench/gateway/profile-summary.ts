import fs from "node:fs";
import path from "node:path";

/** The parts of a V8 `.cpuprofile` (from `node --cpu-prof`) this summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a gateway's CPU goes, in the order checked: a sample counts for the
 * first category matched by its innermost frame, then its callers'; samples
 * under module loading count as start-up wherever they are.
 */
const CATEGORIES: Array<[name: string, test: (url: string, fn: string) => boolean]> = [
  ["SQLite: drizzle query building", (u) => u.includes("/drizzle-orm")],
  ["SQLite: better-sqlite3 (compile, step, commit)", (u) => u.includes("/better-sqlite3")],
  [
    "PII redaction and restoration",
    (u) => u.includes("server/src/privacy/") || /\/(compromise|libphonenumber-js|validator)@/.test(u),
  ],
  ["upstream call (fetch)", (u) => u.includes("undici")],
  ["logging (pino)", (u) => /\/(pino|sonic-boom|thread-stream)@/.test(u)],
  ["request validation (zod)", (u) => u.includes("/zod@")],
  ["token counting", (u) => u.includes("/gpt-tokenizer@")],
  ["HTTP framework (hono, @hono/node-server)", (u) => /\/(hono|@hono\+node-server)@/.test(u)],
  ["other Masque code", (u) => u.includes("server/src/") || u.includes("shared/src/")],
  [
    "Node HTTP, sockets and streams",
    (u, fn) =>
      /^node:(_http|net|stream|events|buffer|internal\/(streams|webstreams|abort_controller|event_target|http))/.test(
        u,
      ) || ["writev", "writeBuffer", "writeUtf8String", "writeLatin1String"].includes(fn),
  ],
  ["crypto (ids, key hashes)", (u) => u.startsWith("node:internal/crypto")],
  ["garbage collection", (_u, fn) => fn === "(garbage collector)"],
];
const STARTUP = (url: string, fn: string) =>
  /^node:internal\/modules\/|\/tsx@|source_map/.test(url) || fn === "compileSourceTextModule";

/** CPU ms by category, with idle time and start-up apart. */
export function summarizeProfile(profile: CpuProfile): {
  busyMs: number;
  byCategory: Record<string, number>;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals: Record<string, number> = {};
  const stackOf = (id: number) => {
    const frames = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (node) frames.push(node.callFrame);
    }
    return frames;
  };
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frames = stackOf(id);
    let category: string | undefined;
    if (frames[0]?.functionName === "(idle)") category = "idle";
    else if (frames.some((f) => STARTUP(f.url, f.functionName))) category = "start-up";
    for (const f of category ? [] : frames) {
      category = CATEGORIES.find(([, test]) => test(f.url, f.functionName))?.[0];
      if (category) break;
    }
    category ??= "other (runtime)";
    totals[category] = (totals[category] ?? 0) + ms;
  });
  const busyMs = Object.entries(totals)
    .filter(([k]) => k !== "idle" && k !== "start-up")
    .reduce((n, [, v]) => n + v, 0);
  return { busyMs, byCategory: totals };
}

/** Reads the one `.cpuprofile` a process wrote into `dir`. */
export function readProfile(dir: string): CpuProfile {
  const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no CPU profile in ${dir}`);
  return JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
}
