import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPlaceholder, isPiiType, PII_TYPES, parsePlaceholder } from "./placeholder-format.ts";

describe("placeholder format", () => {
  it("formats typed, numbered placeholders", () => {
    expect(formatPlaceholder("PERSON", 1)).toBe("[PERSON_1]");
    expect(formatPlaceholder("NATIONAL_ID", 12)).toBe("[NATIONAL_ID_12]");
  });

  it("rejects indexes below 1 or fractional", () => {
    expect(() => formatPlaceholder("EMAIL", 0)).toThrow(RangeError);
    expect(() => formatPlaceholder("EMAIL", 1.5)).toThrow(RangeError);
  });

  it("parses exactly what it formats", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PII_TYPES), fc.integer({ min: 1, max: 1_000_000 }), (type, index) => {
        expect(parsePlaceholder(formatPlaceholder(type, index))).toEqual({ type, index });
      }),
    );
  });

  it("does not parse unknown types, zero-padded or loose forms", () => {
    for (const text of ["[FOO_1]", "[PERSON_01]", "PERSON_1", "[person_1]", "[PERSON_1] ", "[PERSON_]"]) {
      expect(parsePlaceholder(text)).toBeNull();
    }
  });

  it("knows its type names", () => {
    expect(isPiiType("IBAN")).toBe(true);
    expect(isPiiType("iban")).toBe(false);
  });
});
