import type { MessageTree } from "../chat/message-tree.ts";

/** A conversation as kept in this browser's history (never on the server). */
export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  pinned: boolean;
  archived: boolean;
  /** Sent first, as the `system` message, with every request of this conversation. */
  systemPrompt: string;
  /** The model new answers use. */
  model?: string;
  /** Cap on each answer's tokens; unset means up to the model's context window. */
  maxTokens?: number;
  /** The character preset it was started from, if any. */
  presetId?: string;
  tree: MessageTree;
}

/** A character preset: a name, a system prompt and a default model, stored locally. */
export interface Preset {
  id: string;
  name: string;
  systemPrompt: string;
  model?: string;
  createdAt: number;
}

/** A fresh random id (128 bits, URL-safe). */
export function newId(): string {
  return crypto.randomUUID();
}

/** A conversation's title from its first message: the first line, trimmed to 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split("\n")[0]?.trim() ?? "";
  if (!line) return "New chat";
  return line.length > 60 ? `${line.slice(0, 57).trimEnd()}…` : line;
}
