import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { addMessage, emptyTree } from "../chat/message-tree.ts";
import type { Conversation } from "./conversation.ts";
import { openHistoryDb } from "./history-db.ts";
import { HistoryStore } from "./history-store.ts";
import { WrongPassphraseError } from "./vault.ts";

const CANARY = "platypus-canary-4417";

function conversation(id: string): Conversation {
  const tree = addMessage(emptyTree(), {
    id: `${id}-m`,
    parentId: null,
    role: "user",
    content: `Remember ${CANARY}`,
    createdAt: 1,
  });
  return {
    id,
    title: `About ${CANARY}`,
    createdAt: 1,
    updatedAt: 1,
    pinned: false,
    archived: false,
    systemPrompt: "",
    tree,
  };
}

async function rawRecords(dbName: string): Promise<string> {
  const db = await openHistoryDb(dbName);
  const records = [...(await db.getAll("conversations")), ...(await db.getAll("presets"))];
  db.close();
  return records
    .map(
      (r) =>
        JSON.stringify(r.plain ?? null) + (r.sealed ? new TextDecoder("latin1").decode(r.sealed.data) : ""),
    )
    .join("\n");
}

describe("HistoryStore", () => {
  it("keeps conversations across a reload of the page", async () => {
    const name = `h-${crypto.randomUUID()}`;
    const store = new HistoryStore(name);
    await store.load();
    store.put(conversation("c1"));
    await store.flush();
    const again = new HistoryStore(name);
    await again.load();
    expect(again.getSnapshot().status).toBe("ready");
    expect(again.get("c1")?.title).toContain(CANARY);
  });

  it("encrypts everything at rest under a passphrase, locks, refuses a wrong passphrase and unlocks", async () => {
    const name = `h-${crypto.randomUUID()}`;
    const store = new HistoryStore(name);
    await store.load();
    store.put(conversation("c1"));
    store.putPreset({ id: "p1", name: "Pirate", systemPrompt: `Talk like ${CANARY}`, createdAt: 1 });
    expect(await rawRecords(name)).toContain(CANARY);

    await store.enableEncryption("open sesame");
    store.put(conversation("c2"));
    await store.flush();
    expect(store.getSnapshot().encrypted).toBe(true);
    expect(await rawRecords(name)).not.toContain(CANARY);

    const reloaded = new HistoryStore(name);
    await reloaded.load();
    expect(reloaded.getSnapshot().status).toBe("locked");
    expect(reloaded.getSnapshot().conversations).toEqual([]);
    await expect(reloaded.unlock("open sesamE")).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(reloaded.getSnapshot().status).toBe("locked");
    await reloaded.unlock("open sesame");
    expect(
      reloaded
        .getSnapshot()
        .conversations.map((c) => c.id)
        .sort(),
    ).toEqual(["c1", "c2"]);
    expect(reloaded.getSnapshot().presets[0]?.systemPrompt).toContain(CANARY);

    await reloaded.lock();
    expect(reloaded.getSnapshot()).toMatchObject({ status: "locked", conversations: [] });
  }, 30_000);

  it("changes the passphrase and can switch encryption off again", async () => {
    const name = `h-${crypto.randomUUID()}`;
    const store = new HistoryStore(name);
    await store.load();
    store.put(conversation("c1"));
    await store.enableEncryption("first");
    await store.changePassphrase("first", "second");
    await expect(store.changePassphrase("first", "x")).rejects.toBeInstanceOf(WrongPassphraseError);
    const reloaded = new HistoryStore(name);
    await reloaded.load();
    await expect(reloaded.unlock("first")).rejects.toBeInstanceOf(WrongPassphraseError);
    await reloaded.unlock("second");
    await reloaded.disableEncryption("second");
    expect(await rawRecords(name)).toContain(CANARY);
    const plain = new HistoryStore(name);
    await plain.load();
    expect(plain.getSnapshot()).toMatchObject({ status: "ready", encrypted: false });
  }, 30_000);

  it("imports only what is new or newer, and erases everything on request", async () => {
    const store = new HistoryStore(`h-${crypto.randomUUID()}`);
    await store.load();
    store.put(conversation("c1"));
    const newer = { ...conversation("c1"), title: "Newer", updatedAt: 5 };
    expect(store.importConversations([conversation("c1"), newer, conversation("c3")])).toEqual({
      added: 2,
      skipped: 1,
    });
    expect(store.get("c1")?.title).toBe("Newer");
    await store.eraseAll();
    expect(store.getSnapshot().conversations).toEqual([]);
  });

  it("keeps two tabs in step: changes, deletions and switching encryption on", async () => {
    const name = `h-${crypto.randomUUID()}`;
    const tabA = new HistoryStore(name);
    const tabB = new HistoryStore(name);
    await tabA.load();
    await tabB.load();
    tabA.put(conversation("c1"));
    await vi.waitFor(() => expect(tabB.get("c1")?.title).toContain(CANARY));
    tabB.update("c1", (c) => ({ ...c, title: "Renamed in B" }));
    await vi.waitFor(() => expect(tabA.get("c1")?.title).toBe("Renamed in B"));
    tabA.remove("c1");
    await vi.waitFor(() => expect(tabB.get("c1")).toBeUndefined());
    await tabA.enableEncryption("pw");
    await vi.waitFor(() => expect(tabB.getSnapshot().status).toBe("locked"));
    await tabB.unlock("pw");
    tabB.put(conversation("c2"));
    await vi.waitFor(() => expect(tabA.get("c2")).toBeDefined());
  }, 30_000);
});
