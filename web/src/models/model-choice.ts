import type { ModelEntry, PrivacyClass, TierId } from "@masque/shared";
import { tiers } from "@masque/shared";

/** Whether the account can pick a model now, and if not, why (shown beside it). */
export interface ModelChoice {
  selectable: boolean;
  reason?: string;
}

/** A free model costs nothing per token either way. */
export const isFreeModel = (m: ModelEntry): boolean =>
  m.model_spec.pricing.input_per_mtok === 0 && m.model_spec.pricing.output_per_mtok === 0;

/** An unavailable model, or a paid model on a free plan, cannot be chosen; the reason says which. */
export function modelChoice(m: ModelEntry, tier: TierId): ModelChoice {
  if (!m.model_spec.available) {
    return { selectable: false, reason: m.model_spec.unavailable_reason ?? "This model cannot serve now." };
  }
  if (tiers[tier].models === "free_only" && !isFreeModel(m)) {
    return { selectable: false, reason: `The ${tiers[tier].name} plan can use free models only.` };
  }
  return { selectable: true };
}

/** Order of the picker's groups: the strongest privacy first. */
export const privacyGroups: ReadonlyArray<{ privacy: PrivacyClass; label: string }> = [
  { privacy: "tee", label: "TEE verified" },
  { privacy: "anonymized", label: "Anonymized" },
  { privacy: "local", label: "Local" },
];

/** The models of each privacy class, in picker order, empty groups left out. */
export function groupModels(
  models: ModelEntry[],
): Array<{ privacy: PrivacyClass; label: string; models: ModelEntry[] }> {
  return privacyGroups
    .map((g) => ({ ...g, models: models.filter((m) => m.model_spec.privacy === g.privacy) }))
    .filter((g) => g.models.length > 0);
}

/** The model to use: the preferred one if it can be chosen, else the first that can (strongest privacy first). */
export function pickModel(models: ModelEntry[], tier: TierId, preferred?: string): ModelEntry | undefined {
  const usable = (m: ModelEntry) => modelChoice(m, tier).selectable;
  const wanted = models.find((m) => m.id === preferred);
  if (wanted && usable(wanted)) return wanted;
  return groupModels(models)
    .flatMap((g) => g.models)
    .find(usable);
}

/** "$0.15 / $0.60 per 1M tokens", or "Free". */
export function formatPricing(m: ModelEntry): string {
  if (isFreeModel(m)) return "Free";
  const { input_per_mtok: input, output_per_mtok: output } = m.model_spec.pricing;
  return `$${input} in / $${output} out per 1M tokens`;
}
