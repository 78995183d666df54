import {
  type ChatCompletionRequest,
  InvalidRequestError,
  MasqueError,
  ModelUnavailableError,
  PermissionDeniedError,
  tiers,
  UpstreamError,
  UpstreamTimeoutError,
} from "@masque/shared";
import type { Principal } from "../auth/principal.ts";
import type { CatalogModel, ModelCatalog } from "../routing/model-catalog.ts";

/** Why a model cannot take this request, or undefined when it can. */
function refusal(
  model: CatalogModel,
  request: ChatCompletionRequest,
  principal: Principal,
  catalog: ModelCatalog,
) {
  const tier = tiers[principal.tier];
  if (tier.models === "free_only" && (model.pricing.inputPerMTok > 0 || model.pricing.outputPerMTok > 0)) {
    return new PermissionDeniedError(
      `The ${tier.name} plan can use free models only; '${model.id}' is a paid model.`,
      "model_not_in_plan",
      { param: "model" },
    );
  }
  if (
    principal.via.kind === "key" &&
    principal.via.modelPrivacy === "private_only" &&
    model.privacy === "anonymized"
  ) {
    return new PermissionDeniedError(
      `This key may use private models only (TEE and local); '${model.id}' is a third-party model.`,
      "model_privacy_restricted",
      { param: "model" },
    );
  }
  if (request.tools?.length && !model.capabilities.functionCalling) {
    return new InvalidRequestError(`The model '${model.id}' does not support tools.`, {
      code: "tools_not_supported",
      param: "tools",
    });
  }
  const availability = catalog.availability(model);
  if (!availability.available) {
    // A TEE model is never served by another privacy class: it fails closed, saying why.
    return new ModelUnavailableError(
      availability.reason,
      model.privacy === "tee" ? "tee_attestation_failed" : undefined,
    );
  }
  return undefined;
}

/**
 * The models that may serve a request, in order: the one asked for (whose
 * refusal is the client's answer), then its configured fallbacks that can take
 * it now. Fallbacks share the model's privacy class, checked again here so no
 * configuration mistake can ever move a request across classes.
 */
export function chooseCandidates(
  requested: CatalogModel,
  request: ChatCompletionRequest,
  principal: Principal,
  catalog: ModelCatalog,
): CatalogModel[] {
  const candidates: CatalogModel[] = [];
  const primaryRefusal = refusal(requested, request, principal, catalog);
  if (primaryRefusal && !(primaryRefusal instanceof ModelUnavailableError)) throw primaryRefusal;
  if (!primaryRefusal) candidates.push(requested);
  for (const id of requested.fallbacks) {
    const fallback = catalog.list().find((m) => m.id === id);
    if (
      fallback &&
      fallback.privacy === requested.privacy &&
      !refusal(fallback, request, principal, catalog)
    ) {
      candidates.push(fallback);
    }
  }
  if (candidates.length === 0) throw primaryRefusal;
  return candidates;
}

/** Failures where another attempt may succeed: the provider failed, not the request. */
function retryable(err: unknown): boolean {
  return (
    err instanceof UpstreamError ||
    err instanceof UpstreamTimeoutError ||
    err instanceof ModelUnavailableError
  );
}

/**
 * Calls `attempt` on each candidate until one answers. A lone candidate that
 * fails transiently gets one more try. Errors that are the
 * client's (4xx) or a client abort end it at once.
 */
export async function serveWithFallback<T>(
  candidates: CatalogModel[],
  signal: AbortSignal,
  attempt: (model: CatalogModel) => Promise<T>,
): Promise<{ model: CatalogModel; value: T }> {
  const plan = candidates.length === 1 && candidates[0] ? [candidates[0], candidates[0]] : candidates;
  let last: unknown;
  for (const [i, model] of plan.entries()) {
    try {
      return { model, value: await attempt(model) };
    } catch (err) {
      last = err;
      // The same model again only for a transient failure: not after a timeout, and
      // never after its TEE checks failed (that takes it out of service).
      const sameAgain = plan[i + 1] === model;
      const notTransient =
        err instanceof UpstreamTimeoutError || (err as MasqueError).code === "tee_attestation_failed";
      if (signal.aborted || !retryable(err) || (sameAgain && notTransient)) throw err;
    }
  }
  throw last instanceof MasqueError ? last : new UpstreamError("No provider could answer.");
}
