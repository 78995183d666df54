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
