import type { ChatCompletionRequest, ChatMessage } from "@masque/shared";

/**
 * Request fields that may reach a model provider: the model's inputs, sampling
 * and tool parameters. Everything else — `user`, `metadata`, `store`,
 * `service_tier`, `masque_parameters`, unknown extensions — stays here, because
 * any of it can identify or link the caller.
 */
const FORWARDED_FIELDS = [
  "temperature",
  "top_p",
  "n",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "seed",
  "response_format",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning_effort",
] as const satisfies ReadonlyArray<keyof ChatCompletionRequest>;

/** The body an upstream receives, built field by field from the allowlist. */
export type UpstreamChatBody = Record<string, unknown> & {
  model: string;
  messages: UpstreamMessage[];
  stream: boolean;
};

export type UpstreamMessage = Record<string, unknown> & { role: string };

/**
 * Builds the upstream request body from an allowlist, so no identity travels
 * by accident: only the model, messages, sampling and tool parameters.
 * Messages are rebuilt with their content fields only (a message `name` can
 * name the person). Streaming always asks for usage, which Masque meters.
 */
export function buildUpstreamBody(request: ChatCompletionRequest, upstreamModel: string): UpstreamChatBody {
  const body: UpstreamChatBody = {
    model: upstreamModel,
    messages: request.messages.map(stripMessage),
    stream: request.stream === true,
  };
  for (const field of FORWARDED_FIELDS) {
    const value = request[field];
    if (value !== undefined && value !== null) body[field] = structuredClone(value);
  }
  if (body.stream) body.stream_options = { include_usage: true };
  return body;
}

function stripMessage(message: ChatMessage): UpstreamMessage {
  switch (message.role) {
    case "system":
    case "developer":
    case "user":
      return { role: message.role, content: stripContent(message.content) };
    case "assistant": {
      const out: UpstreamMessage = { role: "assistant", content: stripContent(message.content ?? null) };
      if (message.refusal) out.refusal = message.refusal;
      if (message.tool_calls?.length) {
        out.tool_calls = message.tool_calls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.function.name, arguments: call.function.arguments },
        }));
      }
      return out;
    }
    case "tool":
      return { role: "tool", content: stripContent(message.content), tool_call_id: message.tool_call_id };
    case "function":
      // Deprecated role; `name` here is the function's name, not a person's.
      return { role: "function", name: message.name, content: message.content };
  }
}

type Content = string | ReadonlyArray<Record<string, unknown> & { type: string }> | null;

/** Rebuilds content parts with the fields their type defines and nothing else. */
function stripContent(content: Content): unknown {
  if (content === null || typeof content === "string") return content;
  return content.map((part) => {
    const value = part[part.type];
    switch (part.type) {
      case "text":
        return { type: "text", text: part.text };
      case "image_url":
        return { type: "image_url", image_url: pick(value, ["url", "detail"]) };
      case "input_audio":
        return { type: "input_audio", input_audio: pick(value, ["data", "format"]) };
      case "file":
        return { type: "file", file: pick(value, ["file_data", "file_id", "filename"]) };
      default:
        // A part type newer than this code: its own field only, cloned.
        return value === undefined
          ? { type: part.type }
          : { type: part.type, [part.type]: structuredClone(value) };
    }
  });
}

function pick(value: unknown, keys: string[]): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/**
 * Headers sent upstream: fixed ones plus the provider's credentials from our
 * pool. No client header is ever copied (IP, forwarding headers, cookies,
 * user agent, auth), so every caller looks the same to the provider.
 */
export function upstreamHeaders(credentials: Record<string, string>): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "user-agent": "masque-gateway",
    ...credentials,
  };
}
