import { describe, expect, it } from "vitest";
import { formatDuration } from "./countdown.ts";

describe("formatDuration", () => {
  it("counts down in days, hours, minutes and seconds", () => {
    expect(formatDuration(7 * 86_400)).toBe("7d 0h 0m 0s");
    expect(formatDuration(3_661)).toBe("1h 1m 1s");
    expect(formatDuration(59)).toBe("59s");
    expect(formatDuration(0)).toBe("now");
    expect(formatDuration(-5)).toBe("now");
  });
});
