import { countTokens } from "gpt-tokenizer";

/** Tokens per message for role and separators, as OpenAI's chat format counts them. */
const PER_MESSAGE_OVERHEAD = 4;

/**
 * Counts prompt tokens with the o200k tokenizer when a provider reports no
 * usage. An estimate for models with other tokenizers, but a stable one.
 */
export function countPromptTokens(messages: ReadonlyArray<MessageLike>): number {
  let total = 3;
  for (const message of messages) total += PER_MESSAGE_OVERHEAD + countTokens(messageText(message));
  return total;
}

/** Counts completion tokens of generated text (content and tool-call arguments). */
export function countCompletionTokens(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}

/**
 * A cheap, generous estimate of a prompt's tokens before it is sent (three
 * characters a token, plus each message's overhead), for rate limits and for
 * the credit held against a request; the tokenizer runs only when needed.
 */
export function estimatePromptTokens(messages: ReadonlyArray<MessageLike>): number {
  let total = 3;
  for (const message of messages) total += PER_MESSAGE_OVERHEAD + Math.ceil(messageText(message).length / 3);
  return total;
}

/** Any chat message: ours, the client's or the provider's. */
type MessageLike = { role: string; content?: unknown; tool_calls?: unknown };

function messageText(message: MessageLike): string {
  const parts: string[] = [];
  const { content, tool_calls } = message as {
    content?: unknown;
    tool_calls?: Array<{ function: { arguments: string } }>;
  };
  if (typeof content === "string") parts.push(content);
  else if (Array.isArray(content)) {
    for (const part of content) if (typeof part?.text === "string") parts.push(part.text);
  }
  for (const call of tool_calls ?? []) parts.push(call.function.arguments);
  return parts.join("\n");
}
