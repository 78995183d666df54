import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectPii, STRUCTURED_DETECTORS, warmUpPiiDetection } from "./detect-pii.ts";
import type { PiiSpan } from "./pii-span.ts";
import { resolveOverlaps } from "./resolve-overlaps.ts";
import { found } from "./test-helpers.ts";

const span = (type: PiiSpan["type"], start: number, end: number): PiiSpan => ({
  type,
  start,
  end,
  value: "",
});

describe("resolveOverlaps", () => {
  it("keeps the longest span, then the most specific type", () => {
    const kept = resolveOverlaps([
      span("PERSON", 0, 4),
      span("EMAIL", 0, 20),
      span("PHONE", 25, 35),
      span("CARD", 25, 35),
    ]);
    expect(kept.map((s) => s.type)).toEqual(["EMAIL", "CARD"]);
  });

  it("returns non-overlapping spans in order for any input (property)", () => {
    const types = ["PERSON", "EMAIL", "PHONE", "ADDRESS", "SECRET"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...types), fc.nat(100), fc.integer({ min: 1, max: 20 }))),
        (raw) => {
          const kept = resolveOverlaps(raw.map(([t, s, l]) => span(t, s, s + l)));
          for (let i = 1; i < kept.length; i++) {
            expect((kept[i] as PiiSpan).start).toBeGreaterThanOrEqual((kept[i - 1] as PiiSpan).end);
          }
        },
      ),
    );
  });
});

describe("detectPii", () => {
  it("finds every kind in one text, without overlaps, values matching offsets", () => {
    warmUpPiiDetection();
    const text =
      "Hi, I'm Ingrid Bergström (ingrid.b@example.se, +46 8 123 456 78). I live at Storgatan 12, 111 51 Stockholm. " +
      "Card 4111 1111 1111 1111, IBAN SE45 5000 0000 0583 9825 7466, SSN 123-45-6789, IP 10.1.2.3, " +
      "wallet 0x52908400098527886E0F7030069857D2E4169EE7, born on 1990-05-01, key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv.";
    const spans = detectPii(text);
    expect(found(spans)).toEqual([
      "PERSON:Ingrid Bergström",
      "EMAIL:ingrid.b@example.se",
      "PHONE:+46 8 123 456 78",
      "ADDRESS:Storgatan 12, 111 51 Stockholm",
      "CARD:4111 1111 1111 1111",
      "IBAN:SE45 5000 0000 0583 9825 7466",
      "SSN:123-45-6789",
      "IP:10.1.2.3",
      "CRYPTO:0x52908400098527886E0F7030069857D2E4169EE7",
      "DOB:1990-05-01",
      "SECRET:sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv",
    ]);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.value);
  });

  it("reads JSON escapes as spaces so words do not glue, and reports the raw value", () => {
    const json = '{"address": "28030 Edeby 55\\nApt. 297\\nTYSTBERGA"}';
    const spans = detectPii(json);
    expect(found(spans, "ADDRESS")).toEqual(["ADDRESS:28030 Edeby 55\\nApt. 297\\nTYSTBERGA"]);
  });

  it("can be limited to types and to the structured detectors", () => {
    const text = "Jane Doe, jane@example.com";
    expect(found(detectPii(text, { types: new Set(["EMAIL"]) }))).toEqual(["EMAIL:jane@example.com"]);
    expect(found(detectPii(text, { structuredOnly: true }))).toEqual(["EMAIL:jane@example.com"]);
  });

  it("skips a detector only where it could find nothing: each value holds its minimum of digits", () => {
    const text =
      "Call +44 20 7946 0958. Card 4111-1111-1111-1111, IBAN GB82 WEST 1234 5698 7654 32, SSN 078-05-1120, " +
      "NINO AB123456C, PAN ABCPE1234F, passport number X1234567, wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 and " +
      "0x52908400098527886E0F7030069857D2E4169EE7, born on 2/7/61.";
    for (const { detect, minDigits } of STRUCTURED_DETECTORS) {
      if (minDigits === 0) continue;
      const spans = detect(text);
      expect(spans.length, detect.name).toBeGreaterThan(0);
      for (const s of spans)
        expect(s.value.replace(/\D/g, "").length, s.value).toBeGreaterThanOrEqual(minDigits);
    }
    expect(found(detectPii("Write to ada@example.org, Ada"), "EMAIL")).toEqual(["EMAIL:ada@example.org"]);
  });

  it("finds nothing in ordinary prose and code", () => {
    const text =
      "The build failed because the cache was stale. Run `npm ci` and retry; if it fails again, open an issue with the log. " +
      "function add(a, b) { return a + b; } // returns 3 for add(1, 2)";
    expect(detectPii(text)).toEqual([]);
  });
});
