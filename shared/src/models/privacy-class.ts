/**
 * Where a model runs, which decides what Masque does before the prompt leaves:
 * - `tee`: an attested confidential VM; verified before use, never downgraded.
 * - `anonymized`: a third-party frontier API; identity stripped, personal data redacted.
 * - `local`: the Masque operator's own machine.
 */
export const privacyClasses = ["tee", "anonymized", "local"] as const;
export type PrivacyClass = (typeof privacyClasses)[number];
