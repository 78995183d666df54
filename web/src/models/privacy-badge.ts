import type { ModelSpec } from "@masque/shared";

export interface PrivacyBadge {
  label: string;
  description: string;
  tone: "verified" | "anonymized" | "local" | "unavailable";
}

/** The badge shown on a model and on each answer, saying where the prompt went. */
export function privacyBadge(spec: ModelSpec): PrivacyBadge {
  if (!spec.available) {
    return {
      label: "Unavailable",
      description: spec.unavailable_reason ?? "This model cannot serve now.",
      tone: "unavailable",
    };
  }
  switch (spec.privacy) {
    case "tee":
      return {
        label: "TEE verified",
        description: "Runs in an attested confidential VM; its attestation was verified before use.",
        tone: "verified",
      };
    case "anonymized":
      return {
        label: "Anonymized",
        description:
          "A third-party model: your identity is stripped and personal data redacted before it leaves.",
        tone: "anonymized",
      };
    case "local":
      return { label: "Local", description: "Runs on the Masque operator's own machine.", tone: "local" };
  }
}

/**
 * The badge on one answer, from the `x-masque-privacy` header it came with
 * (`tee-verified`, `anonymized`, `local`) and, for anonymized answers, the
 * `x-masque-redactions` counts when the gateway sent them.
 */
export function answerBadge(
  privacy: string | undefined,
  redactions?: Record<string, number>,
  signature?: { verified: boolean; address?: string },
): PrivacyBadge {
  switch (privacy) {
    case "tee-verified":
      return {
        label: "TEE verified",
        description: `Answered inside an attested confidential VM whose attestation the gateway verified before sending.${
          signature?.verified
            ? ` The gateway verified the enclave's signature over this answer${signature.address ? ` (signing address ${signature.address})` : ""}.`
            : ""
        }`,
        tone: "verified",
      };
    case "anonymized": {
      const counts = Object.entries(redactions ?? {}).map(([kind, n]) => `${n} ${kind.replaceAll("_", " ")}`);
      const what = redactions
        ? counts.length > 0
          ? ` Redacted before it left: ${counts.join(", ")}.`
          : " No personal data needed redacting."
        : "";
      return {
        label: "Anonymized",
        description: `Sent to a third-party model without your identity; personal data was redacted and restored in the answer.${what}`,
        tone: "anonymized",
      };
    }
    case "local":
      return { label: "Local", description: "Answered on the Masque operator's own machine.", tone: "local" };
    default:
      return {
        label: "Unknown",
        description: "The gateway did not say where this answer was made.",
        tone: "unavailable",
      };
  }
}
