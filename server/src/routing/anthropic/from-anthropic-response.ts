import type { ChatCompletionObject } from "../provider-adapter.ts";

/** Anthropic's `stop_reason` as OpenAI's `finish_reason`. */
export function finishReason(stopReason: unknown): string | null {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    case null:
    case undefined:
      return null;
    default:
      return "stop";
  }
}

interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Anthropic's usage as OpenAI's: cached input counts as prompt tokens. */
export function openAIUsage(u: AnthropicUsage) {
  const prompt =
    (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
  const completion = u.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

type Block = { type: string; text?: string; id?: string; name?: string; input?: unknown };

/**
 * A whole Anthropic message as an OpenAI `chat.completion`: text blocks join
 * into `content`, `tool_use` blocks become `tool_calls`; thinking is dropped.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function fromAnthropicMessage(message: Record<string, unknown>): ChatCompletionObject {
  const blocks = (message.content as Block[] | undefined) ?? [];
  const text = blocks
    .filter((b) => b.type === "text")
    .map((b) => b.text ?? "")
    .join("");
  const toolCalls = blocks
    .filter((b) => b.type === "tool_use")
    .map((b) => ({
      id: b.id,
      type: "function",
      function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) },
    }));
  return {
    id: String(message.id ?? ""),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: String(message.model ?? ""),
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text === "" && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReason(message.stop_reason),
        logprobs: null,
      },
    ],
    usage: openAIUsage((message.usage as AnthropicUsage | undefined) ?? {}),
  };
}

/**
 * Turns Anthropic stream events into OpenAI chunks, one event at a time.
 * Content-block indexes become tool-call indexes; usage (input at the start,
 * output at the end) arrives as a final chunk with no choices.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export class AnthropicStreamTranslator {
  private id = "";
  private model = "";
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly toolIndexByBlock = new Map<number, number>();
  private usage: AnthropicUsage = {};
  private finish: string | null = null;

  /** The OpenAI chunks for one Anthropic event (often none). */
  translate(event: Record<string, unknown>): ChatCompletionObject[] {
    switch (event.type) {
      case "message_start": {
        const message = (event.message as Record<string, unknown> | undefined) ?? {};
        this.id = String(message.id ?? "");
        this.model = String(message.model ?? "");
        this.usage = { ...((message.usage as AnthropicUsage | undefined) ?? {}) };
        return [this.chunk({ role: "assistant", content: "" })];
      }
      case "content_block_start": {
        const block = event.content_block as Block | undefined;
        const index = Number(event.index);
        if (block?.type === "tool_use") {
          const toolIndex = this.toolIndexByBlock.size;
          this.toolIndexByBlock.set(index, toolIndex);
          return [
            this.chunk({
              tool_calls: [
                {
                  index: toolIndex,
                  id: block.id,
                  type: "function",
                  function: { name: block.name, arguments: "" },
                },
              ],
            }),
          ];
        }
        if (block?.type === "text" && block.text) return [this.chunk({ content: block.text })];
        return [];
      }
      case "content_block_delta": {
        const delta = event.delta as { type?: string; text?: string; partial_json?: string } | undefined;
        if (delta?.type === "text_delta" && delta.text) return [this.chunk({ content: delta.text })];
        if (delta?.type === "input_json_delta" && delta.partial_json) {
          const toolIndex = this.toolIndexByBlock.get(Number(event.index));
          if (toolIndex === undefined) return [];
          return [
            this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] }),
          ];
        }
        return [];
      }
      case "message_delta": {
        const delta = event.delta as { stop_reason?: unknown } | undefined;
        this.finish = finishReason(delta?.stop_reason);
        Object.assign(this.usage, (event.usage as AnthropicUsage | undefined) ?? {});
        return [];
      }
      case "message_stop":
        return [
          this.chunk({}, this.finish ?? "stop"),
          {
            id: this.id,
            object: "chat.completion.chunk",
            created: this.created,
            model: this.model,
            choices: [],
            usage: openAIUsage(this.usage),
          },
        ];
      default:
        // ping, content_block_stop, thinking and future event types carry nothing for OpenAI clients.
        return [];
    }
  }

  private chunk(delta: Record<string, unknown>, finish: string | null = null): ChatCompletionObject {
    return {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    };
  }
}
