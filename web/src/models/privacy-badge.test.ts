import type { ModelSpec } from "@masque/shared";
import { describe, expect, it } from "vitest";
import { answerBadge, privacyBadge } from "./privacy-badge.ts";

const spec = (over: Partial<ModelSpec>): ModelSpec => ({
  privacy: "local",
  pricing: { input_per_mtok: 0, output_per_mtok: 0 },
  context_length: 2048,
  capabilities: { function_calling: false, vision: false, reasoning: false },
  available: true,
  ...over,
});

describe("privacyBadge", () => {
  it("labels each privacy class", () => {
    expect(privacyBadge(spec({ privacy: "tee" })).label).toBe("TEE verified");
    expect(privacyBadge(spec({ privacy: "anonymized" })).label).toBe("Anonymized");
    expect(privacyBadge(spec({ privacy: "local" })).label).toBe("Local");
  });

  it("never shows an unavailable TEE model as verified, and says why", () => {
    const badge = privacyBadge(
      spec({ privacy: "tee", available: false, unavailable_reason: "quote expired" }),
    );
    expect(badge).toEqual({ label: "Unavailable", description: "quote expired", tone: "unavailable" });
  });
});

describe("answerBadge", () => {
  it("reads the x-masque-privacy header", () => {
    expect(answerBadge("tee-verified").label).toBe("TEE verified");
    expect(answerBadge("tee-verified", undefined, { verified: true, address: "0xab" }).description).toContain(
      "signing address 0xab",
    );
    expect(answerBadge("local").tone).toBe("local");
    expect(answerBadge(undefined).tone).toBe("unavailable");
  });

  it("says what kinds of personal data were redacted and how many", () => {
    expect(answerBadge("anonymized", { email: 2, phone_number: 1 }).description).toContain(
      "Redacted before it left: 2 email, 1 phone number.",
    );
    expect(answerBadge("anonymized", {}).description).toContain("No personal data needed redacting.");
    expect(answerBadge("anonymized").description).not.toContain("Redacted");
  });
});
