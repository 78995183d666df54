import { describe, expect, it } from "vitest";
import { ExpiringMap } from "./expiring-map.ts";

describe("ExpiringMap", () => {
  it("forgets entries after their time and the oldest when full", () => {
    let now = 0;
    const map = new ExpiringMap<number>(1000, 2, () => now);
    map.set("a", 1);
    now = 500;
    map.set("b", 2);
    expect(map.get("a")).toBe(1);
    now = 1000;
    expect(map.get("a")).toBeUndefined();
    expect(map.get("b")).toBe(2);
    map.set("c", 3);
    map.set("d", 4);
    expect(map.get("b")).toBeUndefined();
    expect([map.get("c"), map.get("d")]).toEqual([3, 4]);
  });
});
