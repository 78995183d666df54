import type { PiiType } from "@masque/shared";
import { type DetectPiiOptions, detectPii } from "./detect/detect-pii.ts";
import type { PiiSpan } from "./detect/pii-span.ts";
import { PlaceholderVault, type RedactionCounts } from "./placeholder-vault.ts";

/** Options of {@link redactChatMessages}. */
export interface RedactChatMessagesOptions {
  /** Reuse a vault (e.g. to redact several bodies of one request); a fresh one by default. */
  vault?: PlaceholderVault;
  /** Only redact these types (default: all of `PII_TYPES`). */
  types?: ReadonlySet<PiiType>;
}

/** Result of {@link redactChatMessages}. */
export interface RedactChatMessagesResult<M> {
  /** Copies of the messages with every personal value replaced by its placeholder. */
  messages: M[];
  /** The request's placeholder map, for restoring the answer. Keep it in memory only. */
  vault: PlaceholderVault;
  /** Distinct values redacted, by type: what `x-masque-redactions` reports. */
  counts: RedactionCounts;
}

/** The minimal shape of an OpenAI chat message this function reads. */
export interface RedactableMessage {
  role: string;
  content?: unknown;
  tool_calls?: unknown;
  function_call?: unknown;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** One string slot in the request that may hold personal data: `owner[key]`. */
interface Slot {
  text: string;
  /** JSON text (tool-call arguments): values are stored unescaped and placeholders stay valid JSON. */
  json: boolean;
  // Owner and key rather than a setter closure: no function is created per slot and request.
  owner: Json;
  key: string;
}

/**
 * Redacts the personal data in an OpenAI chat request's messages: string
 * content, the text of content parts, assistant `tool_calls[].function.arguments`
 * (and legacy `function_call`), tool results, system and developer prompts, and
 * earlier assistant turns. One vault serves all of them, so a value gets the
 * same placeholder everywhere; a name found in one message is also found where
 * it recurs in another without the context that revealed it. The input is not
 * modified.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function redactChatMessages<M extends RedactableMessage>(
  messages: readonly M[],
  options: RedactChatMessagesOptions = {},
): RedactChatMessagesResult<M> {
  const vault = options.vault ?? new PlaceholderVault();
  const copies = messages.map((m) => structuredClone(m) as M);
  const slots: Slot[] = [];
  for (const message of copies) collectSlots(message as unknown as Json, slots);

  const detectOptions: DetectPiiOptions = options.types ? { types: options.types } : {};
  const found = slots.map((slot) => detectPii(slot.text, detectOptions));
  const recurring = recurringValues(found);
  slots.forEach((slot, i) => {
    const spans = addRecurrences(slot.text, found[i] ?? [], recurring);
    if (spans.length > 0) slot.owner[slot.key] = applySpans(slot.text, slot.json, spans, vault);
  });
  return { messages: copies, vault, counts: vault.counts() };
}

function collectSlots(message: Json, slots: Slot[]): void {
  const content = message.content;
  if (typeof content === "string") {
    slots.push({ text: content, json: false, owner: message, key: "content" });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (isObject(part) && typeof part.text === "string") {
        slots.push({ text: part.text, json: false, owner: part, key: "text" });
      }
    }
  }
  if (typeof message.refusal === "string") {
    slots.push({ text: message.refusal, json: false, owner: message, key: "refusal" });
  }
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of calls) {
    const fn = isObject(call) ? call.function : undefined;
    if (isObject(fn) && typeof fn.arguments === "string") {
      slots.push({ text: fn.arguments, json: true, owner: fn, key: "arguments" });
    }
  }
  const legacy = message.function_call;
  if (isObject(legacy) && typeof legacy.arguments === "string") {
    slots.push({ text: legacy.arguments, json: true, owner: legacy, key: "arguments" });
  }
}

/** Names and addresses found anywhere in the request, to be found again where they recur. */
function recurringValues(found: readonly PiiSpan[][]): Map<string, PiiType> {
  const values = new Map<string, PiiType>();
  for (const spans of found) {
    for (const s of spans) {
      if ((s.type === "PERSON" || s.type === "ADDRESS") && s.value.trim().length >= 3) {
        values.set(s.value.trim().toLowerCase(), s.type);
      }
    }
  }
  return values;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

function addRecurrences(text: string, spans: PiiSpan[], recurring: Map<string, PiiType>): PiiSpan[] {
  if (recurring.size === 0) return spans;
  const lower = text.toLowerCase();
  if (lower.length !== text.length) return spans;
  let out = spans;
  for (const [value, type] of recurring) {
    for (let at = lower.indexOf(value); at >= 0; at = lower.indexOf(value, at + value.length)) {
      const end = at + value.length;
      if (WORD_CHAR.test(text[at - 1] ?? "") || WORD_CHAR.test(text[end] ?? "")) continue;
      // A recurrence replaces shorter detections inside it ("amara" within "amara okonkwo"), never longer ones.
      let overlapping = 0;
      let inside = true;
      let same = false;
      for (const s of out) {
        if (s.start >= end || at >= s.end) continue;
        overlapping++;
        if (s.start < at || s.end > end) inside = false;
        if (s.start === at && s.end === end) same = true;
      }
      if (!inside || (overlapping === 1 && same)) continue;
      out = out.filter((s) => s.start >= end || at >= s.end);
      out.push({ type, start: at, end, value: text.slice(at, end) });
    }
  }
  return out === spans ? spans : out.sort((a, b) => a.start - b.start);
}

function applySpans(text: string, json: boolean, spans: readonly PiiSpan[], vault: PlaceholderVault): string {
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start);
    out += vault.placeholderFor(span.type, json ? unescapeJson(span.value) : span.value);
    at = span.end;
  }
  return out + text.slice(at);
}

function unescapeJson(value: string): string {
  if (!value.includes("\\")) return value;
  try {
    return JSON.parse(`"${value}"`) as string;
  } catch {
    return value;
  }
}

/**
 * Redacts one text with a vault: for callers outside the chat shape (a
 * completion prompt, a tool description). Same placeholders as the vault's other texts.
 */
export function redactText(
  text: string,
  vault: PlaceholderVault,
  options: { types?: ReadonlySet<PiiType> } = {},
): string {
  const spans = detectPii(text, options.types ? { types: options.types } : {});
  return spans.length === 0 ? text : applySpans(text, false, spans, vault);
}
