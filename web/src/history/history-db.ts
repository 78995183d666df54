import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { Sealed, VaultHeader } from "./vault.ts";

/** A record as stored: in the clear, or sealed when the history is encrypted. Only the id is ever plain. */
export interface StoredRecord {
  id: string;
  plain?: unknown;
  sealed?: Sealed;
}

interface HistorySchema extends DBSchema {
  conversations: { key: string; value: StoredRecord };
  presets: { key: string; value: StoredRecord };
  meta: { key: string; value: VaultHeader };
}

export type HistoryDb = IDBPDatabase<HistorySchema>;
export type RecordStore = "conversations" | "presets";

/** The IndexedDB database that holds this browser's chat history. */
export function openHistoryDb(name = "masque-history"): Promise<HistoryDb> {
  return openDB<HistorySchema>(name, 1, {
    upgrade(db) {
      db.createObjectStore("conversations", { keyPath: "id" });
      db.createObjectStore("presets", { keyPath: "id" });
      db.createObjectStore("meta");
    },
  });
}
