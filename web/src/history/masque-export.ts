import type { Conversation, Preset } from "./conversation.ts";

/** The Masque history file: every conversation with all its branches, and the presets. */
export interface MasqueExport {
  format: "masque-history";
  version: 1;
  exportedAt: string;
  conversations: Conversation[];
  presets: Preset[];
}

/** The history as a Masque JSON file's content. */
export function exportHistory(conversations: Conversation[], presets: Preset[]): MasqueExport {
  return {
    format: "masque-history",
    version: 1,
    exportedAt: new Date().toISOString(),
    conversations,
    presets,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** True for a Masque history file. */
export function isMasqueExport(data: unknown): data is MasqueExport {
  return isObject(data) && data.format === "masque-history";
}

/**
 * Reads a Masque history file, checking the shape of each conversation so a
 * damaged file cannot put broken records into the history. Throws on an
 * unknown version; skips conversations that do not hold together.
 */
export function readMasqueExport(data: MasqueExport): { conversations: Conversation[]; presets: Preset[] } {
  if (data.version !== 1)
    throw new Error(`This history file has version ${String(data.version)}; this app reads version 1.`);
  const conversations = (Array.isArray(data.conversations) ? data.conversations : []).filter(isConversation);
  const presets = (Array.isArray(data.presets) ? data.presets : []).filter(
    (p): p is Preset =>
      isObject(p) &&
      typeof p.id === "string" &&
      typeof p.name === "string" &&
      typeof p.systemPrompt === "string",
  );
  return { conversations, presets };
}

function isConversation(c: unknown): c is Conversation {
  if (!isObject(c) || typeof c.id !== "string" || typeof c.title !== "string") return false;
  if (typeof c.updatedAt !== "number" || typeof c.createdAt !== "number") return false;
  if (!isObject(c.tree) || !isObject(c.tree.messages) || !isObject(c.tree.selected)) return false;
  return Object.entries(c.tree.messages).every(
    ([id, m]) =>
      isObject(m) &&
      m.id === id &&
      (m.role === "user" || m.role === "assistant") &&
      typeof m.content === "string" &&
      (m.parentId === null || typeof m.parentId === "string"),
  );
}
