import "fake-indexeddb/auto";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Conversation } from "../history/conversation.ts";
import { HistoryStore } from "../history/history-store.ts";
import { ChatController } from "./chat-controller.ts";
import { activePath, emptyTree } from "./message-tree.ts";

afterEach(() => vi.unstubAllGlobals());

const encoder = new TextEncoder();
const event = (data: unknown) =>
  encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
const delta = (content: string) => ({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

function conversation(): Conversation {
  return {
    id: crypto.randomUUID(),
    title: "t",
    createdAt: 1,
    updatedAt: 1,
    pinned: false,
    archived: false,
    systemPrompt: "Be brief.",
    tree: emptyTree(),
  };
}

async function setup() {
  const history = new HistoryStore(`c-${crypto.randomUUID()}`);
  await history.load();
  return { history, controller: new ChatController(history) };
}

describe("ChatController", () => {
  it("stores the user message, streams the answer outside React, and saves it once complete", async () => {
    let request: Record<string, unknown> = {};
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      request = JSON.parse(String(init.body));
      return new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(event(delta("Hi ")));
            c.enqueue(event(delta("there")));
            c.enqueue(event({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } }));
            c.enqueue(event("[DONE]"));
            c.close();
          },
        }),
        { headers: { "x-masque-privacy": "local" } },
      );
    });
    const { history, controller } = await setup();
    const c = conversation();
    controller.send(c, null, "Hello", "tiny", 2048);
    expect(controller.isGenerating(c.id)).toBe(true);
    const streaming = activePath(history.get(c.id)?.tree ?? emptyTree());
    expect(streaming.map((m) => [m.role, m.status])).toEqual([
      ["user", undefined],
      ["assistant", "streaming"],
    ]);
    const live = controller.liveAnswer(streaming[1]?.id ?? "");
    const seen: string[] = [];
    live?.subscribe((d) => seen.push(d.content));
    await vi.waitFor(() => expect(controller.isGenerating(c.id)).toBe(false));
    expect(seen.join("")).toBe("Hi there");
    const [, answer] = activePath(history.get(c.id)?.tree ?? emptyTree());
    expect(answer).toMatchObject({
      content: "Hi there",
      status: "done",
      model: "tiny",
      usage: { promptTokens: 5, completionTokens: 2 },
      meta: { privacy: "local" },
    });
    expect(request).toMatchObject({
      model: "tiny",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello" },
      ],
      stream: true,
    });
    // The answer's length is kept inside the context window.
    expect(request.max_tokens).toBeLessThanOrEqual(2048);
  });

  it("stop keeps what arrived and marks the answer stopped", async () => {
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      return new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(event(delta("Once upon")));
            init.signal?.addEventListener("abort", () => c.error(new DOMException("aborted", "AbortError")));
          },
        }),
      );
    });
    const { history, controller } = await setup();
    const c = conversation();
    controller.send(c, null, "Story", "tiny", 2048);
    const id = activePath(history.get(c.id)?.tree ?? emptyTree())[1]?.id ?? "";
    await vi.waitFor(() => expect(controller.liveAnswer(id)?.text).toBe("Once upon"));
    controller.stop(c.id);
    await vi.waitFor(() => expect(controller.isGenerating(c.id)).toBe(false));
    expect(history.get(c.id)?.tree.messages[id]).toMatchObject({ content: "Once upon", status: "stopped" });
  });

  it("regenerating adds a second answer beside the first", async () => {
    vi.stubGlobal(
      "fetch",
      async () =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(event(delta("x")));
              c.enqueue(event("[DONE]"));
              c.close();
            },
          }),
        ),
    );
    const { history, controller } = await setup();
    const c = conversation();
    controller.send(c, null, "Q", "tiny", 2048);
    await vi.waitFor(() => expect(controller.isGenerating(c.id)).toBe(false));
    const userId = activePath(history.get(c.id)?.tree ?? emptyTree())[0]?.id ?? "";
    await controller.generate({ conversationId: c.id, parentId: userId, model: "tiny", contextLength: 2048 });
    const tree = history.get(c.id)?.tree ?? emptyTree();
    expect(Object.values(tree.messages).filter((m) => m.parentId === userId)).toHaveLength(2);
  });
});
