import { randomBytes } from "node:crypto";
import {
  type ChatCompletionRequest,
  InvalidRequestError,
  MasqueError,
  MICRO_USD,
  UpstreamError,
} from "@masque/shared";
import type { TeeAttestations } from "../attestation/tee-attestations.ts";
import type { ResponseSignatureResult } from "../attestation/verify-response-signature.ts";
import { type Principal, rateLimitBucket } from "../auth/principal.ts";
import { type DiemCreditSource, noDiemCredit } from "../billing/diem-credit.ts";
import { openMeter, toUsd } from "../billing/request-meter.ts";
import type { Db } from "../db/open-database.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import type { Logger } from "../logging/logger.ts";
import { formatRedactionsHeader } from "../privacy/placeholder-vault.ts";
import { redactChatMessages } from "../privacy/redact-chat-request.ts";
import { ChatStreamRestorer, restoreChatCompletion } from "../privacy/restore-chat-completion.ts";
import { buildUpstreamBody, type UpstreamChatBody } from "../privacy/strip-identity.ts";
import type { AdapterRegistry } from "../routing/adapter-for.ts";
import type { CatalogModel, ModelCatalog } from "../routing/model-catalog.ts";
import type { AdapterCallOptions, ChatCompletionObject } from "../routing/provider-adapter.ts";
import { sseEvent } from "../routing/sse.ts";
import { countCompletionTokens, countPromptTokens, estimatePromptTokens } from "../usage/count-tokens.ts";
import type { TokenUsage } from "../usage/record-usage.ts";
import { chooseCandidates, serveWithFallback } from "./serve-with-fallback.ts";
import type { SignatureStore } from "./signature-store.ts";

export interface ChatDeps {
  db: Db;
  /** Today's DIEM credit per account; none when no chain is configured. */
  diemCredit?: DiemCreditSource;
  catalog: ModelCatalog;
  adapters: AdapterRegistry;
  /** Present when any TEE model is configured. */
  attestations?: TeeAttestations;
  signatures: SignatureStore;
  rateLimiter: RateLimiter;
  logger: Logger;
  upstreamTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  /**
   * Aborted when a shutdown's grace period ends: requests still running stop
   * with this signal's reason (an error for the client) and settle what was
   * delivered, so no hold outlives the process.
   */
  shutdown?: AbortSignal;
}

/** One client request to the gateway. */
export interface ChatCall {
  request: ChatCompletionRequest;
  principal: Principal;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
  requestId: string;
}

export type ChatResult =
  | { stream: false; body: Record<string, unknown>; headers: Record<string, string> }
  | { stream: true; body: ReadableStream<Uint8Array>; headers: Record<string, string> };

interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [k: string]: unknown;
}

/**
 * Runs one chat completion through the gateway: checks the plan and limits,
 * builds the identity-free upstream request, calls the provider and relays its
 * answer with our own ids. Usage is always counted and recorded; content never
 * leaves this function except towards the provider and back to the client.
 */
export async function runChatCompletion(call: ChatCall, deps: ChatDeps): Promise<ChatResult> {
  const { request, principal, signal: clientSignal } = call;
  const started = performance.now();
  const candidates = chooseCandidates(deps.catalog.resolve(request.model), request, principal, deps.catalog);
  const promptEstimate = estimatePromptTokens(request.messages);
  refuseWhatCannotFit(promptEstimate, candidates[0], request.model);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const { bucket, limit } = rateLimitBucket(principal);
  // Tokens per minute are charged with actual usage after; admission assumes a short answer.
  const limits = deps.rateLimiter.admit(bucket, limit, promptEstimate + (maxTokens ?? 256));
  // Identity stripped once; personal data redacted once, for every candidate
  // (fallbacks share the class, so they share the decision).
  const stripped = buildUpstreamBody(request, "");
  const redaction = shouldRedact(request, candidates[0]) ? redactChatMessages(stripped.messages) : undefined;
  if (redaction) stripped.messages = redaction.messages;
  const meter = await openMeter({
    db: deps.db,
    principal,
    promptEstimate,
    maxTokens,
    candidates,
    diemCredit: deps.diemCredit ?? noDiemCredit,
  });

  const abort = new AbortController();
  const onClientAbort = () => abort.abort(clientSignal.reason);
  clientSignal.addEventListener("abort", onClientAbort, { once: true });
  const onShutdown = () => abort.abort(deps.shutdown?.reason);
  deps.shutdown?.addEventListener("abort", onShutdown, { once: true });
  const stopListening = () => {
    clientSignal.removeEventListener("abort", onClientAbort);
    deps.shutdown?.removeEventListener("abort", onShutdown);
  };
  const id = `chatcmpl-${randomBytes(12).toString("base64url")}`;
  const stream = request.stream === true;
  const callOptions: AdapterCallOptions = {
    signal: abort.signal,
    timeoutMs: deps.upstreamTimeoutMs,
    env: deps.env,
    fetch: deps.fetch,
  };

  let served: {
    model: CatalogModel;
    value: {
      upstreamBody: UpstreamChatBody;
      answer: ChatCompletionObject | AsyncGenerator<ChatCompletionObject>;
    };
  };
  try {
    served = await serveWithFallback(candidates, abort.signal, async (model) => {
      const upstreamBody = { ...stripped, model: model.upstreamId };
      const options = {
        ...callOptions,
        onResponseSignature: (result: ResponseSignatureResult) =>
          deps.signatures.set(id, { model: model.id, result }),
      };
      const adapter = deps.adapters(model);
      const answer = stream
        ? await adapter.stream(upstreamBody, options)
        : await adapter.complete(upstreamBody, options);
      return { upstreamBody, answer };
    });
  } catch (err) {
    stopListening();
    await meter.abandon().catch((e) => logSettlementFailure(deps.logger, e));
    throw err;
  } finally {
    if (!stream) stopListening();
  }
  const { model } = served;
  const { upstreamBody, answer } = served.value;

  const headers: Record<string, string> = { ...limits.headers, "x-masque-privacy": privacyHeader(model) };
  const signingAddress = model.privacy === "tee" ? deps.attestations?.signingAddress(model.id) : undefined;
  if (signingAddress) headers["x-masque-signing-address"] = signingAddress;
  // Counts by type only; the values stay in this request's memory.
  if (redaction) headers["x-masque-redactions"] = formatRedactionsHeader(redaction.counts);
  /** Counts the usage and charges it (one transaction, queued now); the cost is known at once. */
  const settle = (usage: TokenUsage): { costMicro: number; settled: Promise<number> } => {
    stopListening();
    deps.rateLimiter.charge(bucket, usage.promptTokens + usage.completionTokens);
    const { costMicro, settled } = meter.charge(model, usage);
    return { costMicro, settled: settled.then((charged) => logCompletion(usage, charged)) };
  };
  const logCompletion = (usage: TokenUsage, costMicro: number): number => {
    deps.logger.info(
      {
        requestId: call.requestId,
        model: model.id,
        requestedModel: request.model === model.id ? undefined : request.model,
        privacy: model.privacy,
        stream,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        costMicro,
        ms: Math.round(performance.now() - started),
        aborted: clientSignal.aborted,
      },
      "chat completion",
    );
    return costMicro;
  };

  if (!isStream(answer)) {
    if (redaction) restoreChatCompletion(answer, redaction.vault);
    const usage = completionUsage(answer, upstreamBody);
    // The answer goes out first; its charge commits right after, in this turn of the event loop
    // (a crash in between forgives this one answer, as a crash during the call would).
    const { costMicro: cost, settled } = settle({
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
    });
    settled.catch((e) => logSettlementFailure(deps.logger, e));
    if (deps.signatures.get(id)?.result.ok) headers["x-masque-signature"] = "verified";
    Object.assign(headers, meter.balanceHeaders(), { "x-masque-cost-usd": toUsd(cost) });
    return {
      stream: false,
      body: { ...answer, id, model: model.id, usage: { ...usage, cost_usd: cost / MICRO_USD } },
      headers,
    };
  }

  // A stream's cost is known only at its end: it travels in the usage chunk.
  Object.assign(headers, meter.balanceHeaders());
  const body = relayStream(answer, {
    id,
    model,
    restorer: redaction && new ChatStreamRestorer(redaction.vault),
    upstreamBody,
    includeUsage: request.stream_options?.include_usage === true,
    abort,
    settle: (usage) => settle(usage).settled,
    balances: () => {
      const { usd, diem } = meter.balances();
      return { balance_usd: usd / MICRO_USD, balance_diem: diem / MICRO_USD };
    },
    logger: deps.logger,
  });
  return { stream: true, body, headers };
}

/**
 * Refuses a prompt that cannot fit the model's context before any work is spent on it: redacting a
 * huge prompt for nothing would hold the process up for every other request. The estimate counts
 * generously (3 characters a token), so only what is well beyond the window is refused here; the
 * provider judges the rest.
 */
function refuseWhatCannotFit(promptEstimate: number, model: CatalogModel | undefined, name: string): void {
  if (!model || promptEstimate <= model.contextLength * 1.5) return;
  throw new InvalidRequestError(
    `This prompt is about ${promptEstimate} tokens, far beyond ${name}'s context of ${model.contextLength} tokens.`,
    { code: "context_length_exceeded", param: "messages" },
  );
}

/**
 * Personal data is redacted before it reaches a third-party (anonymized)
 * model; TEE and local models see the text as written. The request's
 * `masque_parameters.redact_pii` overrides either way.
 */
function shouldRedact(request: ChatCompletionRequest, model: CatalogModel | undefined): boolean {
  return request.masque_parameters?.redact_pii ?? model?.privacy === "anonymized";
}

function isStream(
  answer: ChatCompletionObject | AsyncGenerator<ChatCompletionObject>,
): answer is AsyncGenerator<ChatCompletionObject> {
  return typeof (answer as AsyncGenerator<ChatCompletionObject>)[Symbol.asyncIterator] === "function";
}

/** A hold that could not be settled stays open until the next start releases it: the client is not charged. */
function logSettlementFailure(logger: Logger, err: unknown): void {
  logger.error({ err: err instanceof Error ? err.message : String(err) }, "settlement failed");
}

function privacyHeader(model: CatalogModel): string {
  return model.privacy === "tee" ? "tee-verified" : model.privacy;
}

/** The provider's usage when it reports one, else our own count. */
function completionUsage(body: ChatCompletionObject, upstreamBody: UpstreamChatBody): OpenAIUsage {
  const reported = body.usage as OpenAIUsage | undefined;
  if (isUsage(reported)) return reported;
  const text = body.choices.map((c) => generatedText(c.message as DeltaLike | undefined)).join("");
  return makeUsage(countPromptTokens(upstreamBody.messages), countCompletionTokens(text));
}

function isUsage(u: unknown): u is OpenAIUsage {
  const v = u as OpenAIUsage | undefined;
  return typeof v?.prompt_tokens === "number" && typeof v.completion_tokens === "number";
}

function makeUsage(prompt: number, completion: number): OpenAIUsage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Text a model generated in a message or a delta: content plus tool-call arguments. */
type DeltaLike = { content?: unknown; tool_calls?: unknown };

function generatedText(message: DeltaLike | undefined): string {
  if (!message) return "";
  let text = typeof message.content === "string" ? message.content : "";
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls as Array<{ function?: { arguments?: unknown } }>) {
      if (typeof call.function?.arguments === "string") text += call.function.arguments;
    }
  }
  return text;
}

/**
 * Why the relay stops the provider's request once it is done with it. One shared reason: `abort()`
 * without one builds a DOMException, stack trace included, on every streamed request.
 */
const RELAY_DONE = new Error("The relay is done with the provider's stream.");

interface RelayOptions {
  id: string;
  model: CatalogModel;
  /** Puts redacted values back into the stream, for anonymized models. */
  restorer: ChatStreamRestorer | undefined;
  upstreamBody: UpstreamChatBody;
  includeUsage: boolean;
  abort: AbortController;
  settle: (usage: TokenUsage) => Promise<number>;
  /** Balances after settlement, in USD, for the usage chunk. */
  balances: () => { balance_usd: number; balance_diem: number };
  logger: Logger;
}

/**
 * Relays the provider's chunks to the client as SSE, with our id and model
 * name. The provider's usage is held back and sent last, only when the client
 * asked for it. A client that goes away aborts the provider request at once
 * and is charged only for what it was sent; a provider that breaks off
 * charges for what it delivered, and nothing when it delivered nothing.
 */
function relayStream(
  chunks: AsyncGenerator<ChatCompletionObject>,
  o: RelayOptions,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, data: string) =>
    controller.enqueue(encoder.encode(sseEvent(data)));
  let reported: OpenAIUsage | undefined;
  let delivered = "";
  let created = Math.floor(Date.now() / 1000);
  let settling: Promise<OpenAIUsage> | undefined;
  /** `failed`: the provider broke off; if it had sent nothing yet, nothing is charged. */
  const settleOnce = (failed = false): Promise<OpenAIUsage> => {
    settling ??= (async () => {
      const usage =
        reported ??
        (failed && delivered === ""
          ? makeUsage(0, 0)
          : makeUsage(countPromptTokens(o.upstreamBody.messages), countCompletionTokens(delivered)));
      const cost = await o.settle({
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
      });
      // The stream's headers went out before its cost was known: cost and balances travel here.
      return { ...usage, cost_usd: cost / MICRO_USD, ...o.balances() };
    })();
    return settling;
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        for (;;) {
          const next = await chunks.next();
          if (next.done) {
            // Text the restorer still holds (a stream that ended without finish_reason).
            for (const { index, delta } of o.restorer?.drain() ?? []) {
              delivered += generatedText(delta);
              const choices = [{ index, delta, finish_reason: null }];
              send(
                controller,
                JSON.stringify({
                  id: o.id,
                  object: "chat.completion.chunk",
                  created,
                  model: o.model.id,
                  choices,
                }),
              );
            }
            const usage = await settleOnce();
            if (o.includeUsage) {
              const usageChunk = {
                id: o.id,
                object: "chat.completion.chunk",
                created,
                model: o.model.id,
                choices: [],
                usage,
              };
              send(controller, JSON.stringify(usageChunk));
            }
            send(controller, "[DONE]");
            controller.close();
            o.abort.abort(RELAY_DONE);
            return;
          }
          const { usage, ...chunk } = next.value;
          if (isUsage(usage)) reported = usage;
          if (chunk.choices.length === 0) continue;
          if (typeof chunk.created === "number") created = chunk.created;
          o.restorer?.restoreChunk(chunk);
          for (const choice of chunk.choices)
            delivered += generatedText(choice.delta as DeltaLike | undefined);
          send(controller, JSON.stringify({ ...chunk, id: o.id, model: o.model.id }));
          return;
        }
      } catch (err) {
        o.abort.abort(RELAY_DONE);
        await settleOnce(true).catch((e) => logSettlementFailure(o.logger, e));
        const error =
          err instanceof MasqueError
            ? err
            : new UpstreamError(`The stream from provider '${o.model.provider.id}' broke off.`);
        o.logger.warn({ code: error.code, model: o.model.id }, "stream ended with an error");
        send(controller, JSON.stringify(error.toJSON()));
        controller.close();
      }
    },
    cancel() {
      // The client went away: stop the provider now, and charge what was delivered.
      o.abort.abort(RELAY_DONE);
      void settleOnce().catch((e) => logSettlementFailure(o.logger, e));
      void chunks.return(undefined);
    },
  });
}
