import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { formatRedactionsHeader, PlaceholderVault } from "./placeholder-vault.ts";

describe("PlaceholderVault", () => {
  it("gives equal values one placeholder and counts distinct values per type", () => {
    const vault = new PlaceholderVault();
    expect(vault.placeholderFor("PERSON", "Ada Lovelace")).toBe("[PERSON_1]");
    expect(vault.placeholderFor("PERSON", "ada  lovelace")).toBe("[PERSON_1]");
    expect(vault.placeholderFor("PERSON", "Grace Hopper")).toBe("[PERSON_2]");
    expect(vault.placeholderFor("PHONE", "+1 (555) 010-0000")).toBe("[PHONE_1]");
    expect(vault.placeholderFor("PHONE", "+1 555 010 0000")).toBe("[PHONE_1]");
    expect(vault.valueOf("PERSON", 1)).toBe("Ada Lovelace");
    expect(vault.valueOf("PERSON", 3)).toBeUndefined();
    expect(vault.counts()).toEqual({ PERSON: 2, PHONE: 1 });
  });

  it("never shows values through JSON, strings or util.inspect", () => {
    const vault = new PlaceholderVault();
    vault.placeholderFor("EMAIL", "secret-canary@example.com");
    vault.placeholderFor("PERSON", "Canary Person");
    const shown = [
      JSON.stringify(vault),
      String(vault),
      inspect(vault, { showHidden: true, depth: 10 }),
      `${vault}`,
    ];
    for (const text of shown) {
      expect(text).not.toContain("canary");
      expect(text).not.toContain("Canary");
    }
    expect(JSON.parse(JSON.stringify({ vault }))).toEqual({ vault: { redactions: { PERSON: 1, EMAIL: 1 } } });
  });

  it("forgets everything on clear", () => {
    const vault = new PlaceholderVault();
    vault.placeholderFor("IP", "10.0.0.1");
    vault.clear();
    expect(vault.isEmpty).toBe(true);
    expect(vault.valueOf("IP", 1)).toBeUndefined();
  });

  it("formats the x-masque-redactions header in type order, counts only", () => {
    expect(formatRedactionsHeader({ EMAIL: 1, PERSON: 2 })).toBe('{"PERSON":2,"EMAIL":1}');
    expect(formatRedactionsHeader({})).toBe("{}");
  });
});
