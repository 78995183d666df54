import type { TeeVerification } from "@masque/shared";
import type { Logger } from "../logging/logger.ts";
import type { Availability, CatalogModel } from "../routing/model-catalog.ts";
import { providerApiKey } from "../routing/post-to-provider.ts";
import { attestationConfigOf } from "../routing/providers-config.ts";
import { type AttestProviderOptions, attestProvider } from "./attest-provider.ts";
import type { AttestationFailureReason } from "./attestation-error.ts";
import type { AttestationResult } from "./attestation-result.ts";
import { isAttestationUsable } from "./attestation-result.ts";
import { type CollateralSource, createCollateralCache, type FetchLike } from "./collateral-cache.ts";

export interface TeeAttestationsOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  fetch?: FetchLike;
  now?: () => Date;
  /** The verifier; tests of routing may pass their own, everything else uses the real one. */
  attest?: (options: AttestProviderOptions) => Promise<AttestationResult>;
  /** How often the schedule looks for verifications that are due. */
  tickMs?: number;
}

/** After a failed verification, wait this long before trying again. */
const RETRY_AFTER_FAILURE_MS = 60_000;

/**
 * The verification state of every TEE model: verified before first use, again
 * on each provider's schedule, and at once when a response's signing key does
 * not match. Fail closed: no result, a failed one or a stale one makes the
 * model unavailable with the reason.
 */
export class TeeAttestations {
  private readonly results = new Map<string, AttestationResult>();
  private readonly inflight = new Map<string, Promise<AttestationResult>>();
  private readonly collateral = new Map<string, CollateralSource>();
  private readonly now: () => Date;

  constructor(
    private readonly models: CatalogModel[],
    private readonly options: TeeAttestationsOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Verifies one model now (joining a verification already running). */
  verify(modelId: string): Promise<AttestationResult> {
    const running = this.inflight.get(modelId);
    if (running) return running;
    const model = this.models.find((m) => m.id === modelId);
    if (!model) return Promise.reject(new Error(`'${modelId}' is not a TEE model`));
    const config = attestationConfigOf(model.provider);
    let collateral = this.collateral.get(config.pccsUrl);
    if (!collateral) {
      collateral = createCollateralCache({
        pccsUrl: config.pccsUrl,
        fetch: this.options.fetch,
        now: this.now,
      });
      this.collateral.set(config.pccsUrl, collateral);
    }
    const key = providerApiKey(model.provider, this.options.env);
    const run = (this.options.attest ?? attestProvider)({
      baseUrl: model.provider.baseUrl,
      model: model.upstreamId,
      collateral,
      policy: config.policy,
      nras: config.nras === false ? undefined : config.nras,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      fetch: this.options.fetch,
      now: this.now,
    })
      .then((result) => {
        this.results.set(modelId, result);
        this.options.logger.info(
          { model: modelId, ok: result.ok, reason: result.reason, expiresAt: result.expiresAt },
          "tee attestation",
        );
        return result;
      })
      .finally(() => this.inflight.delete(modelId));
    this.inflight.set(modelId, run);
    return run;
  }

  /** Verifies every TEE model; resolves when each has a result. */
  async verifyAll(): Promise<void> {
    await Promise.all(this.models.map((m) => this.verify(m.id).catch(() => undefined)));
  }

  /** Re-verifies models whose result is due, until the returned function is called. */
  start(): () => void {
    const timer = setInterval(() => {
      const now = this.now().getTime();
      for (const model of this.models) {
        const result = this.results.get(model.id);
        if (!result || this.inflight.has(model.id)) continue;
        const checked = Date.parse(result.checkedAt);
        const interval = attestationConfigOf(model.provider).intervalSeconds * 1000;
        const due = result.ok
          ? Math.min(Date.parse(result.expiresAt), checked + interval)
          : checked + RETRY_AFTER_FAILURE_MS;
        if (now >= due) void this.verify(model.id).catch(() => undefined);
      }
    }, this.options.tickMs ?? 5_000);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The latest result for a model, passed or not. */
  result(modelId: string): AttestationResult | undefined {
    return this.results.get(modelId);
  }

  /** Whether a TEE model may serve now, and if not, why. */
  availability(modelId: string): Availability {
    const result = this.results.get(modelId);
    if (!result) return { available: false, reason: "TEE attestation has not been verified yet." };
    if (!result.ok)
      return { available: false, reason: `TEE attestation failed (${result.reason}): ${result.detail}` };
    if (!isAttestationUsable(result, this.now())) {
      return { available: false, reason: "TEE attestation is stale; re-verification is under way." };
    }
    return { available: true };
  }

  /** The verification state the catalog shows for a model. */
  verification(modelId: string): TeeVerification {
    const result = this.results.get(modelId);
    if (!result) {
      return {
        state: "pending",
        checked_at: null,
        expires_at: null,
        signing_address: null,
        tcb_status: null,
      };
    }
    const state = !result.ok ? "failed" : isAttestationUsable(result, this.now()) ? "verified" : "stale";
    return {
      state,
      checked_at: result.checkedAt,
      expires_at: result.expiresAt,
      signing_address: result.signingAddress,
      tcb_status: result.tcb?.status ?? null,
      ...(result.reason ? { reason: result.reason } : {}),
    };
  }

  /** The signing address of a model's passed, current attestation. */
  signingAddress(modelId: string): string | null {
    return this.availability(modelId).available ? (this.results.get(modelId)?.signingAddress ?? null) : null;
  }

  /**
   * A response did not verify (wrong key, bad signature): the model stops serving
   * and is verified again from scratch, with a fresh nonce.
   */
  distrust(modelId: string, reason: AttestationFailureReason, detail: string): void {
    const result = this.results.get(modelId);
    if (result)
      this.results.set(modelId, { ...result, ok: false, reason, detail, expiresAt: result.checkedAt });
    this.options.logger.warn({ model: modelId }, "tee response did not verify; re-attesting");
    void this.verify(modelId).catch(() => undefined);
  }
}
