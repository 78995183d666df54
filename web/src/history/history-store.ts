import { settleInterrupted } from "../chat/message-tree.ts";
import type { Conversation, Preset } from "./conversation.ts";
import { type HistoryDb, openHistoryDb, type RecordStore, type StoredRecord } from "./history-db.ts";
import { createVault, openVault, rewrapVault, seal, unseal, type VaultHeader } from "./vault.ts";

/** What the UI sees of the history. A new object after every change. */
export interface HistorySnapshot {
  status: "loading" | "locked" | "ready" | "failed";
  /** True when a passphrase protects the history at rest. */
  encrypted: boolean;
  /** Newest first. */
  conversations: Conversation[];
  presets: Preset[];
  error?: string;
}

const VAULT = "vault";

/** What one tab tells the others after it changed the history (same database, same origin). */
type ChangeMessage =
  | { kind: "record"; store: RecordStore; id: string }
  | { kind: "vault" }
  | { kind: "reset" };

/**
 * The chat history of this browser, kept in IndexedDB and nowhere else. All
 * of it is held decrypted in memory while unlocked (search and the list need
 * it); writes go to IndexedDB one after another, sealed when a passphrase is set.
 */
export class HistoryStore {
  private db: HistoryDb | undefined;
  private key: CryptoKey | undefined;
  private header: VaultHeader | undefined;
  private conversations = new Map<string, Conversation>();
  private presets = new Map<string, Preset>();
  private writes: Promise<void> = Promise.resolve();
  private listeners = new Set<() => void>();
  private snapshot: HistorySnapshot = { status: "loading", encrypted: false, conversations: [], presets: [] };

  private readonly channel: BroadcastChannel | undefined;

  constructor(private readonly dbName = "masque-history") {
    // Other tabs of the app hold their own copy in memory: tell them what changed.
    if (typeof BroadcastChannel !== "undefined") {
      this.channel = new BroadcastChannel(`${dbName}:changes`);
      this.channel.onmessage = (e: MessageEvent<ChangeMessage>) => void this.onRemoteChange(e.data);
      (this.channel as unknown as { unref?: () => void }).unref?.();
    }
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** For useSyncExternalStore. */
  getSnapshot = (): HistorySnapshot => this.snapshot;

  /** Opens the database; leaves the store `locked` when a passphrase protects it. */
  async load(): Promise<void> {
    try {
      this.db ??= await openHistoryDb(this.dbName);
      this.header = await this.db.get("meta", VAULT);
      if (this.header && !this.key) return this.publish("locked");
      await this.readAll();
      this.publish("ready");
    } catch (err) {
      this.publish("failed", err instanceof Error ? err.message : String(err));
    }
  }

  /** Opens the vault with the passphrase and reads the history; throws WrongPassphraseError. */
  async unlock(passphrase: string): Promise<void> {
    if (!this.db || !this.header) return;
    this.key = await openVault(this.header, passphrase);
    await this.readAll();
    this.publish("ready");
  }

  /** Forgets the key and everything decrypted, once pending writes are sealed; the passphrase is needed again. */
  async lock(): Promise<void> {
    if (!this.header) return;
    await this.writes;
    this.key = undefined;
    this.conversations.clear();
    this.presets.clear();
    this.publish("locked");
  }

  /** One conversation, if present. */
  get(id: string): Conversation | undefined {
    return this.conversations.get(id);
  }

  /** Stores a conversation (new or changed); the screen updates at once, the disk shortly after. */
  put(conversation: Conversation): void {
    this.conversations.set(conversation.id, conversation);
    this.publish();
    this.write("conversations", conversation.id, conversation);
  }

  /** Applies a change to a stored conversation. */
  update(id: string, change: (c: Conversation) => Conversation): void {
    const current = this.conversations.get(id);
    if (current) this.put(change(current));
  }

  /** Deletes a conversation for good. */
  remove(id: string): void {
    this.conversations.delete(id);
    this.publish();
    void this.enqueue(async (db) => {
      await db.delete("conversations", id);
      this.announce({ kind: "record", store: "conversations", id });
    }).catch(() => {});
  }

  /** Stores a character preset. */
  putPreset(preset: Preset): void {
    this.presets.set(preset.id, preset);
    this.publish();
    this.write("presets", preset.id, preset);
  }

  /** Deletes a character preset. */
  removePreset(id: string): void {
    this.presets.delete(id);
    this.publish();
    void this.enqueue(async (db) => {
      await db.delete("presets", id);
      this.announce({ kind: "record", store: "presets", id });
    }).catch(() => {});
  }

  /** Adds imported conversations; one already here is replaced only by a newer copy. */
  importConversations(list: Conversation[], presets: Preset[] = []): { added: number; skipped: number } {
    let added = 0;
    let skipped = 0;
    for (const c of list) {
      const existing = this.conversations.get(c.id);
      if (existing && existing.updatedAt >= c.updatedAt) {
        skipped++;
        continue;
      }
      this.put(c);
      added++;
    }
    for (const p of presets) if (!this.presets.has(p.id)) this.putPreset(p);
    return { added, skipped };
  }

  /** Encrypts the whole history under a new passphrase, in one transaction. */
  async enableEncryption(passphrase: string): Promise<void> {
    if (this.header) throw new Error("The history is already encrypted.");
    const { header, key } = await createVault(passphrase);
    await this.rewriteAll(key, header);
  }

  /** Rewraps the data key under a new passphrase; records are not re-encrypted. */
  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    if (!this.header) throw new Error("The history is not encrypted.");
    const header = await rewrapVault(this.header, oldPassphrase, newPassphrase);
    await this.enqueue(async (db) => {
      await db.put("meta", header, VAULT);
      this.header = header;
      this.announce({ kind: "vault" });
    });
  }

  /** Decrypts the whole history back to plain records, after checking the passphrase. */
  async disableEncryption(passphrase: string): Promise<void> {
    if (!this.header) return;
    await openVault(this.header, passphrase);
    await this.rewriteAll(undefined, undefined);
  }

  /** Deletes every conversation, preset and the vault: a clean start (also the way out of a lost passphrase). */
  eraseAll(): Promise<void> {
    return this.enqueue(async (db) => {
      const tx = db.transaction(["conversations", "presets", "meta"], "readwrite");
      await Promise.all([
        tx.objectStore("conversations").clear(),
        tx.objectStore("presets").clear(),
        tx.objectStore("meta").clear(),
        tx.done,
      ]);
      this.key = undefined;
      this.header = undefined;
      this.conversations.clear();
      this.presets.clear();
      this.publish("ready");
      this.announce({ kind: "reset" });
    });
  }

  /** Resolves when every write so far is on disk. */
  flush(): Promise<void> {
    return this.writes;
  }

  private async open(): Promise<HistoryDb> {
    this.db ??= await openHistoryDb(this.dbName);
    return this.db;
  }

  private async readAll(): Promise<void> {
    const db = await this.open();
    const [conversations, presets] = await Promise.all([db.getAll("conversations"), db.getAll("presets")]);
    this.conversations.clear();
    this.presets.clear();
    for (const record of conversations) {
      const c = await this.decode<Conversation>("conversations", record);
      this.conversations.set(c.id, { ...c, tree: settleInterrupted(c.tree) });
    }
    for (const record of presets) {
      const p = await this.decode<Preset>("presets", record);
      this.presets.set(p.id, p);
    }
  }

  private async encode(
    store: RecordStore,
    id: string,
    value: unknown,
    key: CryptoKey | undefined,
  ): Promise<StoredRecord> {
    return key ? { id, sealed: await seal(key, value, `${store}/${id}`) } : { id, plain: value };
  }

  private async decode<T>(store: RecordStore, record: StoredRecord): Promise<T> {
    if (!record.sealed) return record.plain as T;
    if (!this.key) throw new Error("The history is locked.");
    return unseal<T>(this.key, record.sealed, `${store}/${record.id}`);
  }

  private write(store: RecordStore, id: string, value: unknown): void {
    void this.enqueue(async (db) => {
      // The key as it is when the write runs: a write queued before encryption was
      // switched on is sealed too. Never write in the clear while a vault exists.
      if (this.header && !this.key) throw new Error("The history is locked.");
      await db.put(store, await this.encode(store, id, value, this.key));
      this.announce({ kind: "record", store, id });
    }).catch((err: unknown) => {
      this.publish(undefined, `Saving the history failed: ${err instanceof Error ? err.message : err}`);
    });
  }

  /** Runs a task after every earlier write; its failure is the caller's, never the queue's. */
  private enqueue<T>(task: (db: HistoryDb) => Promise<T>): Promise<T> {
    const run = this.writes.then(async () => task(await this.open()));
    this.writes = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private rewriteAll(key: CryptoKey | undefined, header: VaultHeader | undefined): Promise<void> {
    return this.enqueue(async (db) => {
      // Encrypt (or decrypt) first: an IndexedDB transaction closes while we await WebCrypto.
      const conversations = await Promise.all(
        [...this.conversations.values()].map((c) => this.encode("conversations", c.id, c, key)),
      );
      const presets = await Promise.all(
        [...this.presets.values()].map((p) => this.encode("presets", p.id, p, key)),
      );
      const tx = db.transaction(["conversations", "presets", "meta"], "readwrite");
      const done = [
        ...conversations.map((r) => tx.objectStore("conversations").put(r)),
        ...presets.map((r) => tx.objectStore("presets").put(r)),
        header ? tx.objectStore("meta").put(header, VAULT) : tx.objectStore("meta").delete(VAULT),
      ];
      await Promise.all([...done, tx.done]);
      this.key = key;
      this.header = header;
      this.publish();
      this.announce({ kind: "reset" });
    });
  }

  private announce(message: ChangeMessage): void {
    this.channel?.postMessage(message);
  }

  /** Another tab changed the history: re-read what it changed (or everything, if the vault changed). */
  private async onRemoteChange(message: ChangeMessage): Promise<void> {
    try {
      const db = await this.open();
      if (message.kind === "reset") {
        // Encryption switched on or off, or everything erased: start over (locked, if a vault is new).
        this.key = undefined;
        this.header = undefined;
        this.conversations.clear();
        this.presets.clear();
        await this.load();
      } else if (message.kind === "vault") {
        this.header = await db.get("meta", VAULT);
      } else if (this.snapshot.status === "ready") {
        const record = await db.get(message.store, message.id);
        if (message.store === "conversations") {
          if (record) {
            const c = await this.decode<Conversation>("conversations", record);
            this.conversations.set(c.id, c);
          } else this.conversations.delete(message.id);
        } else if (record) {
          const p = await this.decode<Preset>("presets", record);
          this.presets.set(p.id, p);
        } else this.presets.delete(message.id);
        this.publish();
      }
    } catch (err) {
      this.publish(undefined, `Another tab changed the history and it could not be re-read: ${String(err)}`);
    }
  }

  private publish(status?: HistorySnapshot["status"], error?: string): void {
    const next: HistorySnapshot = {
      status: status ?? this.snapshot.status,
      encrypted: this.header !== undefined,
      conversations: [...this.conversations.values()].sort((a, b) => b.updatedAt - a.updatedAt),
      presets: [...this.presets.values()].sort((a, b) => a.name.localeCompare(b.name)),
    };
    if (error) next.error = error;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}
