import type { Conversation } from "./conversation.ts";

/** One search hit: the conversation, the message that matched (if not the title) and a snippet. */
export interface SearchHit {
  conversationId: string;
  title: string;
  messageId?: string;
  snippet: string;
  updatedAt: number;
}

/** Lower case without accents, so "Café" finds "cafe". */
export function normalize(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function snippetAround(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 40);
  const end = Math.min(text.length, at + length + 80);
  return `${start > 0 ? "…" : ""}${text.slice(start, end).replace(/\s+/g, " ").trim()}${end < text.length ? "…" : ""}`;
}

/**
 * Full-text search over every message of every branch, in memory (the history
 * may be encrypted at rest, so there is no index on disk). A conversation
 * matches when each word of the query appears in its title or messages; title
 * matches rank first, then the most recent.
 */
export function searchHistory(conversations: Conversation[], query: string, limit = 50): SearchHit[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits: Array<SearchHit & { rank: number }> = [];
  for (const c of conversations) {
    const title = normalize(c.title);
    const messages = Object.values(c.tree.messages).map((m) => ({ m, text: normalize(m.content) }));
    const all = words.every((w) => title.includes(w) || messages.some((x) => x.text.includes(w)));
    if (!all) continue;
    const first = words[0] ?? "";
    const inTitle = words.every((w) => title.includes(w));
    const match =
      messages.find((x) => words.every((w) => x.text.includes(w))) ??
      messages.find((x) => x.text.includes(first));
    // Offsets of the normalized text match the original for nearly all text; snippets are approximate.
    const hit: SearchHit & { rank: number } = {
      conversationId: c.id,
      title: c.title,
      snippet: match ? snippetAround(match.m.content, match.text.indexOf(first), first.length) : "",
      updatedAt: c.updatedAt,
      rank: inTitle ? 0 : 1,
    };
    if (match) hit.messageId = match.m.id;
    hits.push(hit);
  }
  hits.sort((a, b) => a.rank - b.rank || b.updatedAt - a.updatedAt);
  return hits.slice(0, limit).map(({ rank: _, ...hit }) => hit);
}
