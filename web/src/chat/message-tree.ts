import type { ResponseMeta } from "./response-meta.ts";
import type { Usage } from "./stream-chat-completion.ts";

/** One message in a conversation's tree. Editing or regenerating adds a sibling; nothing is overwritten. */
export interface TreeMessage {
  id: string;
  /** The message this one answers or follows; null for the first message. */
  parentId: string | null;
  role: "user" | "assistant";
  content: string;
  createdAt: number;
  /** Assistant only: the model that wrote it. */
  model?: string;
  /** Assistant only: `streaming` while it arrives; `stopped` when the user stopped it. */
  status?: "streaming" | "done" | "stopped" | "error";
  reasoning?: string;
  finishReason?: string;
  usage?: Usage;
  meta?: ResponseMeta;
  error?: { message: string; code: string | null };
}

/**
 * A branching conversation: every message ever written, plus which child is
 * selected under each parent (`""` stands for the root). The active thread is
 * found by following the selected child from the root, or the newest child when
 * none was chosen.
 */
export interface MessageTree {
  messages: Record<string, TreeMessage>;
  selected: Record<string, string>;
}

const ROOT = "";

/** An empty tree. */
export const emptyTree = (): MessageTree => ({ messages: {}, selected: {} });

const childIndex = new WeakMap<Record<string, TreeMessage>, Map<string, TreeMessage[]>>();

/** Children of `parentId` (null: the roots), oldest first. Cached per messages object. */
export function childrenOf(tree: MessageTree, parentId: string | null): TreeMessage[] {
  let index = childIndex.get(tree.messages);
  if (!index) {
    index = new Map();
    for (const m of Object.values(tree.messages)) {
      const key = m.parentId ?? ROOT;
      const list = index.get(key);
      if (list) list.push(m);
      else index.set(key, [m]);
    }
    for (const list of index.values())
      list.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    childIndex.set(tree.messages, index);
  }
  return index.get(parentId ?? ROOT) ?? [];
}

/** The thread on screen: root to leaf along the selected children. */
export function activePath(tree: MessageTree): TreeMessage[] {
  const path: TreeMessage[] = [];
  let parent: string | null = null;
  for (;;) {
    const children = childrenOf(tree, parent);
    if (children.length === 0) return path;
    const chosen: string | undefined = tree.selected[parent ?? ROOT];
    const next: TreeMessage | undefined =
      children.find((c) => c.id === chosen) ?? children[children.length - 1];
    if (!next) return path;
    path.push(next);
    parent = next.id;
  }
}

/** The messages from the root down to `id`, inclusive. */
export function pathTo(tree: MessageTree, id: string): TreeMessage[] {
  const path: TreeMessage[] = [];
  let at: TreeMessage | undefined = tree.messages[id];
  while (at) {
    path.unshift(at);
    at = at.parentId === null ? undefined : tree.messages[at.parentId];
  }
  return path;
}

/** A message's position among its siblings (1-based) and their count, for the branch arrows. */
export function siblingPosition(tree: MessageTree, id: string): { index: number; count: number } {
  const message = tree.messages[id];
  if (!message) return { index: 0, count: 0 };
  const siblings = childrenOf(tree, message.parentId);
  return { index: siblings.findIndex((s) => s.id === id) + 1, count: siblings.length };
}

/** Adds a message under its parent and makes it the selected child there. */
export function addMessage(tree: MessageTree, message: TreeMessage): MessageTree {
  return {
    messages: { ...tree.messages, [message.id]: message },
    selected: { ...tree.selected, [message.parentId ?? ROOT]: message.id },
  };
}

/** Changes fields of one message (e.g. the streamed text once it is complete). */
export function updateMessage(tree: MessageTree, id: string, patch: Partial<TreeMessage>): MessageTree {
  const message = tree.messages[id];
  if (!message) return tree;
  return { ...tree, messages: { ...tree.messages, [id]: { ...message, ...patch } } };
}

/** Shows the previous (-1) or next (+1) sibling of `id` and the thread below it. */
export function switchBranch(tree: MessageTree, id: string, step: -1 | 1): MessageTree {
  const message = tree.messages[id];
  if (!message) return tree;
  const siblings = childrenOf(tree, message.parentId);
  const at = siblings.findIndex((s) => s.id === id);
  const target = siblings[at + step];
  if (!target) return tree;
  return { ...tree, selected: { ...tree.selected, [message.parentId ?? ROOT]: target.id } };
}

/** Selects the branches that lead to `id`, so it is on screen (e.g. a search hit on another branch). */
export function selectPathTo(tree: MessageTree, id: string): MessageTree {
  const selected = { ...tree.selected };
  for (const m of pathTo(tree, id)) selected[m.parentId ?? ROOT] = m.id;
  return { ...tree, selected };
}

/** Marks answers still `streaming` (left behind by a closed tab) as `stopped`. */
export function settleInterrupted(tree: MessageTree): MessageTree {
  let next = tree;
  for (const m of Object.values(tree.messages)) {
    if (m.status === "streaming") next = updateMessage(next, m.id, { status: "stopped" });
  }
  return next;
}

/** The conversation as sent to the model: the system prompt, then the thread up to `id`. */
export function promptFor(
  tree: MessageTree,
  id: string | null,
  systemPrompt: string,
): Array<{ role: "system" | "user" | "assistant"; content: string }> {
  const thread = id === null ? [] : pathTo(tree, id);
  const messages: Array<{ role: "system" | "user" | "assistant"; content: string }> = [];
  if (systemPrompt.trim()) messages.push({ role: "system", content: systemPrompt });
  for (const m of thread) {
    // Failed or empty answers carry nothing the model should see.
    if (m.role === "assistant" && (m.status === "error" || m.content === "")) continue;
    messages.push({ role: m.role, content: m.content });
  }
  return messages;
}
