import { randomBytes } from "node:crypto";
import {
  type ChatMessage,
  chatCompletionRequestSchema,
  InvalidRequestError,
  ModelNotFoundError,
  NotFoundError,
} from "@masque/shared";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { ChatHistoryItem } from "node-llama-cpp";
import { notFoundResponse, toErrorResponse } from "../http/error-handler.ts";
import { parseJsonBody } from "../http/parse-json-body.ts";
import type { Logger } from "../logging/logger.ts";
import { sseEvent } from "../routing/sse.ts";
import { ExpiringMap } from "../util/expiring-map.ts";
import type { EnclaveIdentity } from "./enclave-identity.ts";
import type { LlamaRuntime } from "./llama-runtime.ts";

/**
 * The local model node's API: the OpenAI chat-completions subset the gateway
 * uses (JSON and SSE with usage), over whatever GGUF models it has. It is a
 * separate process so that it can later run alone inside a confidential VM.
 */
export function createLocalNodeApp(runtime: LlamaRuntime, identity: EnclaveIdentity, logger: Logger) {
  const app = new Hono();
  // Signatures of recent exchanges, by chat id: hashes and signatures only.
  const signed = new ExpiringMap<Awaited<ReturnType<EnclaveIdentity["sign"]>>>(60 * 60_000, 10_000);

  app.get("/v1/attestation/report", async (c) => {
    const nonce = c.req.query("nonce") ?? "";
    if (!/^[0-9a-f]{64}$/i.test(nonce)) {
      throw new InvalidRequestError("nonce must be 32 bytes as 64 hex characters.", { param: "nonce" });
    }
    return c.json(await identity.report(Buffer.from(nonce, "hex")));
  });

  app.get("/v1/signature/:id", (c) => {
    const signature = signed.get(c.req.param("id"));
    if (!signature) throw new NotFoundError("No signature for that chat id.", "signature_not_found");
    return c.json(signature);
  });
  app.use(requestId({ generator: () => crypto.randomUUID() }));

  app.get("/health", (c) => c.json({ status: "ok", models: runtime.listModels().length }));

  app.get("/v1/models", async (c) => {
    const models = runtime.listModels();
    const data = await Promise.all(
      models.map(async (m) => ({
        id: m.id,
        object: "model" as const,
        created: 0,
        owned_by: "local",
        context_length: await runtime.contextLength(m.id).catch(() => undefined),
      })),
    );
    return c.json({ object: "list", data });
  });

  app.post("/v1/chat/completions", async (c) => {
    const request = await parseJsonBody(c, chatCompletionRequestSchema);
    // The exact bytes received: the exchange signature covers them, not a re-serialisation.
    const requestBytes = await c.req.text();
    if (!runtime.listModels().some((m) => m.id === request.model))
      throw new ModelNotFoundError(request.model);
    const id = `chatcmpl-${randomBytes(12).toString("base64url")}`;
    const created = Math.floor(Date.now() / 1000);
    const history = toHistory(request.messages);
    const abort = new AbortController();
    const options = {
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
      temperature: request.temperature ?? undefined,
      topP: request.top_p ?? undefined,
      seed: request.seed ?? undefined,
      stop: typeof request.stop === "string" ? [request.stop] : (request.stop ?? undefined),
      signal: AbortSignal.any([abort.signal, c.req.raw.signal]),
    };

    if (request.stream !== true) {
      let text = "";
      const result = await runtime.generate(request.model, history, {
        ...options,
        onText: (t) => (text += t),
      });
      const body = JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: text, refusal: null },
            finish_reason: result.finishReason,
          },
        ],
        usage: usageOf(result),
      });
      signed.set(id, await identity.sign(requestBytes, body));
      return c.body(body, 200, { "content-type": "application/json" });
    }

    const encoder = new TextEncoder();
    const sent: Uint8Array[] = [];
    const chunk = (delta: object, finishReason: string | null) =>
      encoder.encode(
        sseEvent(
          JSON.stringify({
            id,
            object: "chat.completion.chunk",
            created,
            model: request.model,
            choices: [{ index: 0, delta, finish_reason: finishReason }],
          }),
        ),
      );
    const body = new ReadableStream<Uint8Array>({
      start(streamController) {
        // Every byte sent is kept until the end, to sign the whole stream.
        const controller = {
          enqueue: (bytes: Uint8Array) => {
            sent.push(bytes);
            streamController.enqueue(bytes);
          },
        };
        controller.enqueue(chunk({ role: "assistant", content: "" }, null));
        runtime
          .generate(request.model, history, {
            ...options,
            onText: (t) => {
              if (!abort.signal.aborted) controller.enqueue(chunk({ content: t }, null));
            },
          })
          .then((result) => {
            if (abort.signal.aborted) return;
            controller.enqueue(chunk({}, result.finishReason));
            if (request.stream_options?.include_usage) {
              const usage = {
                id,
                object: "chat.completion.chunk",
                created,
                model: request.model,
                choices: [],
              };
              controller.enqueue(
                encoder.encode(sseEvent(JSON.stringify({ ...usage, usage: usageOf(result) }))),
              );
            }
            controller.enqueue(encoder.encode(sseEvent("[DONE]")));
            streamController.close();
            return identity
              .sign(requestBytes, Buffer.concat(sent))
              .then((signature) => signed.set(id, signature));
          })
          .catch((err: unknown) => {
            if (abort.signal.aborted) return;
            logger.error({ errorClass: (err as Error).name }, "generation failed");
            streamController.error(err);
          });
      },
      cancel() {
        abort.abort();
      },
    });
    return new Response(body, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  });

  app.notFound(notFoundResponse);
  app.onError((err, c) => toErrorResponse(err, c, logger));
  return app;
}

function usageOf(result: { promptTokens: number; completionTokens: number }) {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
  };
}

/** OpenAI messages as a llama chat history; the chat template is applied later. */
function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  return messages.map((m): ChatHistoryItem => {
    const text = textOf(m.content);
    switch (m.role) {
      case "system":
      case "developer":
        return { type: "system", text };
      case "assistant":
        return { type: "model", response: [text] };
      case "tool":
      case "function":
        return { type: "user", text: `Tool result:\n${text}` };
      default:
        return { type: "user", text };
    }
  });
}

function textOf(content: ChatMessage["content"] | undefined): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content
    .map((part) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .join("");
}
