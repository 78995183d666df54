import { addMessage, emptyTree, type MessageTree, type TreeMessage } from "../chat/message-tree.ts";
import type { Conversation } from "./conversation.ts";

/** The parts of ChatGPT's `conversations.json` (Settings → Data controls → Export) that we read. */
interface ChatGptNode {
  id?: string;
  parent?: string | null;
  children?: string[];
  message?: {
    id?: string;
    author?: { role?: string };
    create_time?: number | null;
    content?: {
      content_type?: string;
      parts?: unknown[];
      text?: string;
      user_profile?: string;
      user_instructions?: string;
    };
    metadata?: { model_slug?: string; is_visually_hidden_from_conversation?: boolean };
    recipient?: string;
  } | null;
}

interface ChatGptConversation {
  id?: string;
  conversation_id?: string;
  title?: string | null;
  create_time?: number;
  update_time?: number;
  current_node?: string;
  is_archived?: boolean;
  mapping?: Record<string, ChatGptNode>;
}

/** True for ChatGPT's export: an array of conversations with a `mapping` tree. */
export function isChatGptExport(data: unknown): data is ChatGptConversation[] {
  return (
    Array.isArray(data) &&
    data.length > 0 &&
    data.every(
      (c) => typeof c === "object" && c !== null && typeof (c as ChatGptConversation).mapping === "object",
    )
  );
}

function textOf(node: ChatGptNode): string | undefined {
  const content = node.message?.content;
  if (!content) return undefined;
  if (content.content_type === "text" || content.content_type === "multimodal_text") {
    const parts = (content.parts ?? []).map((p) =>
      typeof p === "string" ? p : typeof p === "object" && p !== null ? "[image]" : "",
    );
    return parts.join("\n").trim();
  }
  return undefined;
}

/**
 * Converts ChatGPT's export to Masque conversations, keeping every branch.
 * User and assistant text is kept; system, tool, hidden and non-text nodes are
 * dropped and their children attached to the nearest kept ancestor. Custom
 * instructions become the system prompt. Ids derive from ChatGPT's, so
 * importing the same file twice adds nothing.
 */
export function importChatGpt(data: ChatGptConversation[]): Conversation[] {
  const out: Conversation[] = [];
  for (const raw of data) {
    const mapping = raw.mapping ?? {};
    const id = `chatgpt-${raw.conversation_id ?? raw.id ?? crypto.randomUUID()}`;
    const createdAt = Math.round((raw.create_time ?? Date.now() / 1000) * 1000);
    let systemPrompt = "";
    const kept = new Map<string, TreeMessage>();
    // Each node's nearest kept ancestor (or null), resolved lazily.
    const keptAncestor = new Map<string, string | null>();
    const resolveParent = (nodeId: string | null | undefined): string | null => {
      const seen: string[] = [];
      let at = nodeId ?? null;
      while (at !== null) {
        if (keptAncestor.has(at)) {
          const known = keptAncestor.get(at) ?? null;
          for (const s of seen) keptAncestor.set(s, known);
          return known;
        }
        if (isKept(mapping[at])) {
          for (const s of seen) keptAncestor.set(s, at);
          return at;
        }
        seen.push(at);
        at = mapping[at]?.parent ?? null;
        if (seen.length > 100_000) break;
      }
      for (const s of seen) keptAncestor.set(s, null);
      return null;
    };

    let order = 0;
    for (const [nodeId, node] of Object.entries(mapping)) {
      const content = node.message?.content;
      if (content?.content_type === "user_editable_context") {
        systemPrompt = [content.user_profile, content.user_instructions].filter(Boolean).join("\n\n");
      }
      if (!isKept(node)) continue;
      const role = node.message?.author?.role === "user" ? "user" : "assistant";
      const message: TreeMessage = {
        id: `${id}:${nodeId}`,
        parentId: null,
        role,
        content: textOf(node) ?? "",
        createdAt: Math.round((node.message?.create_time ?? raw.create_time ?? 0) * 1000) + order++ / 1000,
      };
      if (role === "assistant") {
        message.status = "done";
        const model = node.message?.metadata?.model_slug;
        if (model) message.model = model;
      }
      kept.set(nodeId, message);
    }
    let tree: MessageTree = emptyTree();
    const messages = [...kept.entries()].map(([nodeId, m]) => {
      const parent = resolveParent(mapping[nodeId]?.parent);
      return { ...m, parentId: parent === null ? null : `${id}:${parent}` };
    });
    messages.sort((a, b) => a.createdAt - b.createdAt);
    for (const m of messages) tree = addMessage(tree, m);
    // Select the thread ChatGPT showed last.
    const leaf = resolveParent(raw.current_node);
    const selected: Record<string, string> = { ...tree.selected };
    for (let at = leaf; at !== null; ) {
      const m = kept.get(at);
      if (!m) break;
      const parent = resolveParent(mapping[at]?.parent);
      selected[parent === null ? "" : `${id}:${parent}`] = `${id}:${at}`;
      at = parent;
    }
    tree = { ...tree, selected };
    if (Object.keys(tree.messages).length === 0) continue;
    out.push({
      id,
      title: raw.title?.trim() || "Imported chat",
      createdAt,
      updatedAt: Math.round((raw.update_time ?? raw.create_time ?? Date.now() / 1000) * 1000),
      pinned: false,
      archived: raw.is_archived === true,
      systemPrompt,
      tree,
    });
  }
  return out;
}

function isKept(node: ChatGptNode | undefined): boolean {
  const m = node?.message;
  if (!m) return false;
  const role = m.author?.role;
  if (role !== "user" && role !== "assistant") return false;
  if (m.metadata?.is_visually_hidden_from_conversation) return false;
  if (role === "assistant" && m.recipient && m.recipient !== "all") return false;
  const text = textOf(node as ChatGptNode);
  return text !== undefined && text !== "";
}
