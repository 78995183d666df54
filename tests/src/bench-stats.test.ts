import { describe, expect, it } from "vitest";
import { firstTokenEventEnd } from "../bench/gateway/load.ts";
import { summarizeProfile } from "../bench/gateway/profile-summary.ts";
import { median, percentile, rotation, summarize } from "../bench/stats.ts";

describe("benchmark statistics", () => {
  it("takes nearest-rank percentiles", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it("summarises an unsorted sample without changing it", () => {
    const sample = [5, 1, 4, 2, 3];
    expect(summarize(sample)).toEqual({ n: 5, mean: 3, p50: 3, p90: 5, p99: 5, max: 5 });
    expect(sample).toEqual([5, 1, 4, 2, 3]);
    expect(summarize([]).n).toBe(0);
    expect(median([10, 30, 20])).toBe(20);
  });

  it("rotates targets so each takes every position in turn", () => {
    const names = ["direct", "masque", "portkey"];
    expect([0, 1, 2, 3].map((r) => rotation(names, r))).toEqual([
      ["direct", "masque", "portkey"],
      ["masque", "portkey", "direct"],
      ["portkey", "direct", "masque"],
      ["direct", "masque", "portkey"],
    ]);
    expect(rotation([], 3)).toEqual([]);
  });
});

describe("first token in an SSE stream", () => {
  const event = (delta: object) => `data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\n`;

  it("finds the first event that carries text, not a role or an empty delta", () => {
    const head = event({ role: "assistant", content: "" }) + event({});
    const text = `${head}${event({ content: "Hi" })}`;
    expect(firstTokenEventEnd(head)).toBe(-1);
    expect(firstTokenEventEnd(text)).toBe(text.length);
  });

  it("waits for a whole event and skips comments and [DONE]", () => {
    const partial = 'data: {"choices":[{"delta":{"content":"Hi"}}]}';
    expect(firstTokenEventEnd(partial)).toBe(-1);
    expect(firstTokenEventEnd(`: keep-alive\n\ndata: [DONE]\n\n`)).toBe(-1);
    expect(firstTokenEventEnd(`${partial}\n\n`)).toBe(partial.length + 2);
  });
});

describe("CPU profile summary", () => {
  const frame = (functionName: string, url: string) => ({ functionName, url });
  const pnpm = (pkg: string) => `file:///repo/node_modules/.pnpm/${pkg}/node_modules/x/index.js`;

  it("charges each sample to the innermost frame's category, start-up and idle apart", () => {
    const summary = summarizeProfile({
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 4, 5] },
        { id: 2, callFrame: frame("reserve", "file:///repo/server/src/billing/meter.ts"), children: [3] },
        { id: 3, callFrame: frame("prepare", pnpm("better-sqlite3@12.6.2")), children: [6] },
        { id: 4, callFrame: frame("(idle)", "") },
        { id: 5, callFrame: frame("link", "node:internal/modules/esm/module_job"), children: [7] },
        { id: 6, callFrame: frame("inner", "") },
        { id: 7, callFrame: frame("is", pnpm("drizzle-orm@0.45.4")) },
      ],
      samples: [3, 2, 6, 4, 7],
      timeDeltas: [1000, 2000, 500, 300, 700],
    });
    expect(summary.byCategory).toEqual({
      "SQLite: better-sqlite3 (compile, step, commit)": 1.5,
      "other Masque code": 2,
      idle: 0.3,
      "start-up": 0.7,
    });
    expect(summary.busyMs).toBe(3.5);
  });
});
