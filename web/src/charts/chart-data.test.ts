import { describe, expect, it } from "vitest";
import { lastDays, niceTicks, stackRows } from "./chart-data.ts";

describe("chart data", () => {
  it("picks round ticks that reach the largest value", () => {
    expect(niceTicks(95)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0.03)).toEqual([0, 0.01, 0.02, 0.03]);
    expect(niceTicks(0)).toEqual([0, 1]);
    for (const max of [1, 7, 13, 999, 12_345, 0.77])
      expect(niceTicks(max).at(-1)).toBeGreaterThanOrEqual(max);
  });

  it("pivots usage rows into stacked bars, every day present, series sorted", () => {
    const rows = [
      { day: "2026-01-02", model: "b", n: 3 },
      { day: "2026-01-02", model: "a", n: 1 },
      { day: "2026-01-03", model: "a", n: 5 },
      { day: "2025-12-01", model: "a", n: 99 },
    ];
    const data = stackRows(
      rows,
      (r) => r.day,
      (r) => r.model,
      (r) => r.n,
      ["2026-01-01", "2026-01-02", "2026-01-03"],
    );
    expect(data.series).toEqual(["a", "b"]);
    expect(data.values).toEqual([
      [0, 0],
      [1, 3],
      [5, 0],
    ]);
    expect(data.max).toBe(5);
  });

  it("lists the last days in UTC, oldest first", () => {
    expect(lastDays(3, new Date("2026-03-01T10:00:00Z"))).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });
});
