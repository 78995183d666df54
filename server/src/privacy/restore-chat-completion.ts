import type { PlaceholderVault } from "./placeholder-vault.ts";
import { PlaceholderStreamRestorer, restorePlaceholders } from "./restore-placeholders.ts";

/** Text fields of an assistant message or delta that may carry placeholders. */
const TEXT_FIELDS = ["content", "refusal", "reasoning_content", "reasoning"] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Restores a non-streaming `chat.completion` response in place: every choice's
 * message text (`content`, also as text parts, `refusal`, reasoning) and its
 * `tool_calls[].function.arguments` (values JSON-escaped there).
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function restoreChatCompletion<T>(response: T, vault: PlaceholderVault): T {
  if (vault.isEmpty || !isObject(response) || !Array.isArray(response.choices)) return response;
  for (const choice of response.choices) {
    if (!isObject(choice) || !isObject(choice.message)) continue;
    const message = choice.message;
    for (const field of TEXT_FIELDS) {
      const value = message[field];
      if (typeof value === "string") message[field] = restorePlaceholders(value, vault);
    }
    if (Array.isArray(message.content)) {
      for (const part of message.content) {
        if (isObject(part) && typeof part.text === "string")
          part.text = restorePlaceholders(part.text, vault);
      }
    }
    for (const call of toolCallsOf(message)) {
      const fn = call.function;
      if (isObject(fn) && typeof fn.arguments === "string") {
        fn.arguments = restorePlaceholders(fn.arguments, vault, { escape: "json" });
      }
    }
    if (isObject(message.function_call) && typeof message.function_call.arguments === "string") {
      message.function_call.arguments = restorePlaceholders(message.function_call.arguments, vault, {
        escape: "json",
      });
    }
  }
  return response;
}

function toolCallsOf(message: Json): Json[] {
  return Array.isArray(message.tool_calls) ? message.tool_calls.filter(isObject) : [];
}

/**
 * Restores a stream of `chat.completion.chunk` objects, one restorer per choice
 * and field and one per tool call's `arguments`, so a placeholder split across
 * events is restored and nothing that cannot be one is delayed. Held text is
 * released in the chunk that carries the choice's `finish_reason`, or by
 * {@link ChatStreamRestorer.drain} when the upstream ends without one.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export class ChatStreamRestorer {
  readonly #vault: PlaceholderVault;
  readonly #streams = new Map<string, PlaceholderStreamRestorer>();
  /** `index:field` stream keys per choice index, one per text field: built once, not on every chunk. */
  readonly #fieldKeys = new Map<number, readonly string[]>();

  constructor(vault: PlaceholderVault) {
    this.#vault = vault;
  }

  /** Restores one chunk in place and returns it. */
  restoreChunk<T>(chunk: T): T {
    if (this.#vault.isEmpty || !isObject(chunk) || !Array.isArray(chunk.choices)) return chunk;
    for (const choice of chunk.choices) {
      if (!isObject(choice)) continue;
      const index = typeof choice.index === "number" ? choice.index : 0;
      const finished = choice.finish_reason !== null && choice.finish_reason !== undefined;
      if (!isObject(choice.delta)) {
        if (!finished) continue;
        choice.delta = {};
      }
      const delta = choice.delta as Json;
      const keys = this.#keysOf(index);
      TEXT_FIELDS.forEach((field, f) => {
        const value = delta[field];
        if (typeof value === "string") delta[field] = this.#stream(keys[f] as string).push(value);
      });
      for (const call of toolCallsOf(delta)) {
        const fn = call.function;
        if (isObject(fn) && typeof fn.arguments === "string") {
          const callIndex = typeof call.index === "number" ? call.index : 0;
          fn.arguments = this.#stream(`${index}:tool:${callIndex}`, true).push(fn.arguments);
        }
      }
      if (finished) this.#flushChoice(index, delta);
    }
    return chunk;
  }

  /**
   * Releases everything still held, as deltas per choice (for a stream that
   * ended without `finish_reason`). Wrap each in a chunk before `[DONE]`.
   */
  drain(): Array<{ index: number; delta: Json }> {
    const indexes = new Set<number>();
    for (const [key, stream] of this.#streams) if (stream.holding) indexes.add(Number(key.split(":")[0]));
    return [...indexes].map((index) => {
      const delta: Json = {};
      this.#flushChoice(index, delta);
      return { index, delta };
    });
  }

  #keysOf(index: number): readonly string[] {
    let keys = this.#fieldKeys.get(index);
    if (!keys) {
      keys = TEXT_FIELDS.map((field) => `${index}:${field}`);
      this.#fieldKeys.set(index, keys);
    }
    return keys;
  }

  #stream(key: string, json = false): PlaceholderStreamRestorer {
    let stream = this.#streams.get(key);
    if (!stream) {
      stream = new PlaceholderStreamRestorer(this.#vault, json ? { escape: "json" } : {});
      this.#streams.set(key, stream);
    }
    return stream;
  }

  /** Appends the held tails of one choice's streams to its delta. */
  #flushChoice(index: number, delta: Json): void {
    const prefix = `${index}:`;
    for (const [key, stream] of this.#streams) {
      if (!key.startsWith(prefix)) continue;
      const rest = stream.flush();
      this.#streams.delete(key);
      if (rest === "") continue;
      const field = key.slice(prefix.length);
      if (field.startsWith("tool:")) {
        const callIndex = Number(field.slice(5));
        const calls = Array.isArray(delta.tool_calls) ? (delta.tool_calls as unknown[]) : [];
        delta.tool_calls = calls;
        const call = calls.filter(isObject).find((c) => c.index === callIndex);
        if (call && isObject(call.function)) {
          call.function.arguments = `${typeof call.function.arguments === "string" ? call.function.arguments : ""}${rest}`;
        } else {
          calls.push({ index: callIndex, function: { arguments: rest } });
        }
      } else {
        delta[field] = `${typeof delta[field] === "string" ? delta[field] : ""}${rest}`;
      }
    }
  }

  toJSON(): string {
    return "ChatStreamRestorer";
  }
}
