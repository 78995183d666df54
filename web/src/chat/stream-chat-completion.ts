import { ApiError, errorFromBody } from "../lib/api-error.ts";
import { apiFetch } from "../lib/api-fetch.ts";
import { readSse } from "../lib/sse-parser.ts";
import { parseResponseMeta, type ResponseMeta } from "./response-meta.ts";

/** A message as sent to `/v1/chat/completions`. */
export interface WireMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Token counts of one answer. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** What the answer cost, from the gateway's `usage.cost_usd` (streams learn it only at the end). */
  costUsd?: number;
}

export interface StreamChatOptions {
  model: string;
  messages: WireMessage[];
  maxTokens?: number;
  signal: AbortSignal;
  /** Called once the response headers are in. */
  onOpen?: (meta: ResponseMeta) => void;
  /** Called once per network read with the text that read added (content and reasoning). */
  onDelta: (delta: { content: string; reasoning: string }) => void;
}

export interface StreamChatResult {
  meta: ResponseMeta;
  usage?: Usage;
  finishReason?: string;
}

/** Performance marks the browser test reads to time the first token. */
export const FIRST_EVENT_MARK = "masque:first-token-event";

/**
 * Streams one chat completion (`stream: true` with usage) and hands the text to
 * `onDelta` as it arrives. Resolves at `[DONE]`; rejects with ApiError for an
 * HTTP error or an error event mid-stream, and with an AbortError when stopped.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 */
export async function streamChatCompletion(options: StreamChatOptions): Promise<StreamChatResult> {
  const body: Record<string, unknown> = {
    model: options.model,
    messages: options.messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (options.maxTokens) body.max_tokens = options.maxTokens;
  const res = await apiFetch("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  const meta = parseResponseMeta(res.headers);
  options.onOpen?.(meta);
  const result: StreamChatResult = { meta };
  if (!res.body) throw new ApiError("The answer had no body.", { status: res.status });
  let sawText = false;
  for await (const events of readSse(res.body)) {
    let content = "";
    let reasoning = "";
    for (const event of events) {
      if (event.data === "[DONE]") return result;
      const chunk = parseChunk(event.data);
      const error = errorFromBody(chunk, 502);
      if (error) throw error;
      const c = chunk as ChunkShape;
      if (meta.completionId === undefined && typeof c.id === "string") meta.completionId = c.id;
      if (c.usage && typeof c.usage.prompt_tokens === "number") {
        result.usage = {
          promptTokens: c.usage.prompt_tokens,
          completionTokens: c.usage.completion_tokens ?? 0,
        };
        if (typeof c.usage.cost_usd === "number") result.usage.costUsd = c.usage.cost_usd;
      }
      const choice = c.choices?.[0];
      if (!choice) continue;
      if (typeof choice.delta?.content === "string") content += choice.delta.content;
      const r = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
      if (typeof r === "string") reasoning += r;
      if (choice.finish_reason) result.finishReason = choice.finish_reason;
    }
    if (content || reasoning) {
      if (!sawText) {
        sawText = true;
        performance.mark(FIRST_EVENT_MARK);
      }
      options.onDelta({ content, reasoning });
    }
  }
  throw new ApiError("The answer stopped before it was complete.", { status: 502, code: "stream_truncated" });
}

interface ChunkShape {
  id?: unknown;
  choices?: Array<{
    delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; cost_usd?: number };
}

function parseChunk(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new ApiError("The answer stream held data that is not JSON.", { status: 502, code: "bad_stream" });
  }
}
