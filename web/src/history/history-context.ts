import { createContext, useContext, useSyncExternalStore } from "react";
import type { HistorySnapshot, HistoryStore } from "./history-store.ts";

/** The one HistoryStore of the page. */
export const HistoryContext = createContext<HistoryStore | null>(null);

/** The history store and its current snapshot. */
export function useHistory(): { store: HistoryStore; history: HistorySnapshot } {
  const store = useContext(HistoryContext);
  if (!store) throw new Error("useHistory needs a HistoryContext provider.");
  const history = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { store, history };
}
