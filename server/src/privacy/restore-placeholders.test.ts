import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlaceholderVault } from "./placeholder-vault.ts";
import { PlaceholderStreamRestorer, restorePlaceholders } from "./restore-placeholders.ts";

function vaultWith(): PlaceholderVault {
  const vault = new PlaceholderVault();
  vault.placeholderFor("PERSON", "Ada Lovelace");
  vault.placeholderFor("PERSON", "Grace Hopper");
  vault.placeholderFor("EMAIL", "ada@example.com");
  vault.placeholderFor("NATIONAL_ID", "X1234567");
  for (let i = 0; i < 10; i++) vault.placeholderFor("PHONE", `+1 555 000 ${1000 + i}`);
  vault.placeholderFor("ADDRESS", 'Line 1\n"Quoted" Road');
  return vault;
}

function streamed(vault: PlaceholderVault, chunks: readonly string[], json = false): string {
  const restorer = new PlaceholderStreamRestorer(vault, json ? { escape: "json" } : {});
  return chunks.map((c) => restorer.push(c)).join("") + restorer.flush();
}

/** Splits text at the given cut points. */
function cut(text: string, points: readonly number[]): string[] {
  const sorted = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let at = 0;
  for (const p of sorted) {
    parts.push(text.slice(at, p));
    at = p;
  }
  parts.push(text.slice(at));
  return parts;
}

describe("restorePlaceholders", () => {
  const vault = vaultWith();

  it("restores canonical placeholders", () => {
    expect(restorePlaceholders("Hi [PERSON_1], mail [EMAIL_1].", vault)).toBe(
      "Hi Ada Lovelace, mail ada@example.com.",
    );
  });

  it("restores the forms models write back", () => {
    for (const form of [
      "PERSON_2",
      "person_2",
      "[Person 2]",
      "Person 2",
      "person-2",
      "[person_2]",
      "PERSON2",
      "Person_2",
    ]) {
      expect(restorePlaceholders(`(${form})`, vault)).toBe("(Grace Hopper)");
    }
    expect(restorePlaceholders("id: national id 1; NATIONAL_ID_1; [national-id-1]", vault)).toBe(
      "id: X1234567; X1234567; X1234567",
    );
  });

  it("leaves unknown indexes, unknown types and glued words alone", () => {
    const text = "[PERSON_3] PERSON_0 [EMAIL_2] XPERSON_1 PERSON_1a [PERSON_1 [CARD_1] PERSON_01";
    expect(restorePlaceholders(text, vault)).toBe(
      "[PERSON_3] PERSON_0 [EMAIL_2] XPERSON_1 PERSON_1a [Ada Lovelace [CARD_1] PERSON_01",
    );
  });

  it("does not confuse PHONE_1 with PHONE_10", () => {
    expect(restorePlaceholders("[PHONE_10] [PHONE_1]", vault)).toBe("+1 555 000 1009 +1 555 000 1000");
  });

  it("escapes values for JSON arguments", () => {
    const args = restorePlaceholders('{"to":"[ADDRESS_1]"}', vault, { escape: "json" });
    expect(JSON.parse(args)).toEqual({ to: 'Line 1\n"Quoted" Road' });
  });

  it("returns the text untouched when nothing was redacted", () => {
    expect(restorePlaceholders("[PERSON_1]", new PlaceholderVault())).toBe("[PERSON_1]");
  });
});

describe("PlaceholderStreamRestorer", () => {
  const vault = vaultWith();

  it("never delays text that cannot become a placeholder", () => {
    const restorer = new PlaceholderStreamRestorer(vault);
    expect(restorer.push("Hello there, ")).toBe("Hello there, ");
    expect(restorer.push("dear [PER")).toBe("dear ");
    expect(restorer.push("SON_1] and ")).toBe("Ada Lovelace and ");
    expect(restorer.push("Pe")).toBe("");
    expect(restorer.push("ter")).toBe("Peter");
    expect(restorer.push(" [C")).toBe(" [C");
    expect(restorer.flush()).toBe("");
  });

  it("holds a complete unbracketed form until it knows the next character", () => {
    const restorer = new PlaceholderStreamRestorer(vault);
    expect(restorer.push("to person_1")).toBe("to ");
    expect(restorer.push(".")).toBe("Ada Lovelace.");
    expect(restorer.push(" PHONE_1")).toBe(" ");
    expect(restorer.flush()).toBe("+1 555 000 1000");
  });

  it("equals whole-text restoration for one character per chunk", () => {
    const text =
      "[PERSON_1] wrote to person 2 at [EMAIL_1]; call [PHONE_10] or PHONE_1. [PERSON_9] [Person 1";
    expect(streamed(vault, [...text])).toBe(restorePlaceholders(text, vault));
  });

  it("equals whole-text restoration for any chunking (property)", () => {
    const piece = fc.oneof(
      fc.constantFrom(
        "[PERSON_1]",
        "[PERSON_2]",
        "person_1",
        "[Person 2]",
        "PERSON_3",
        "[EMAIL_1]",
        "email 1",
        "[PHONE_10]",
        "PHONE_1",
        "[NATIONAL_ID_1]",
        "national id 1",
        "[ADDRESS_1]",
        "[",
        "]",
        "_",
        " ",
        "P",
        "1",
        "PER",
        "\n",
        "é",
      ),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }).map((parts) => parts.join("")),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (text, points, json) => {
          const whole = restorePlaceholders(text, vault, json ? { escape: "json" } : {});
          expect(streamed(vault, cut(text, points), json)).toBe(whole);
          expect(streamed(vault, [...text], json)).toBe(whole);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("holds back at most one possible placeholder", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const restorer = new PlaceholderStreamRestorer(vault);
        const out = restorer.push(text);
        const held = text.length - out.length;
        // Held text is a prefix of the longest possible form, "[NATIONAL_ID_1]".
        expect(held).toBeLessThanOrEqual("[NATIONAL_ID_10]".length);
      }),
    );
  });
});
