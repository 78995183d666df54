import { describe, expect, it } from "vitest";
import { addMessage, emptyTree } from "../chat/message-tree.ts";
import type { Conversation } from "./conversation.ts";
import { searchHistory } from "./search-history.ts";

const conv = (id: string, title: string, texts: string[], updatedAt: number): Conversation => {
  let tree = emptyTree();
  let parent: string | null = null;
  texts.forEach((content, i) => {
    const mid = `${id}-${i}`;
    tree = addMessage(tree, {
      id: mid,
      parentId: parent,
      role: i % 2 ? "assistant" : "user",
      content,
      createdAt: i,
    });
    parent = mid;
  });
  return { id, title, createdAt: 0, updatedAt, pinned: false, archived: false, systemPrompt: "", tree };
};

const history = [
  conv("a", "Cooking", ["How long to boil an egg?", "About nine minutes for a hard Café egg."], 1),
  conv("b", "Eggs and more", ["Tell me about ducks"], 2),
  conv("c", "Travel", ["Trains in Japan", "The Shinkansen is fast."], 3),
];

describe("searchHistory", () => {
  it("finds words in any message, ignoring case and accents, with a snippet", () => {
    const hits = searchHistory(history, "cafe EGG");
    expect(hits.map((h) => h.conversationId)).toEqual(["a"]);
    expect(hits[0]?.messageId).toBe("a-1");
    expect(hits[0]?.snippet).toContain("Café egg");
  });

  it("ranks title matches first, then the newest", () => {
    expect(searchHistory(history, "egg").map((h) => h.conversationId)).toEqual(["b", "a"]);
  });

  it("needs every word to match and ignores an empty query", () => {
    expect(searchHistory(history, "shinkansen ducks")).toEqual([]);
    expect(searchHistory(history, "   ")).toEqual([]);
  });

  it("searches branches that are not on screen", () => {
    const c = history[2] as Conversation;
    const branched: Conversation = {
      ...c,
      tree: addMessage(c.tree, {
        id: "alt",
        parentId: "c-0",
        role: "assistant",
        content: "Maglev trains",
        createdAt: 9,
      }),
    };
    expect(searchHistory([branched], "maglev")[0]?.messageId).toBe("alt");
  });
});
