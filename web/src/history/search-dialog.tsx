import { useDeferredValue, useMemo, useState } from "react";
import { Modal } from "../lib/modal.tsx";
import { useHistory } from "./history-context.ts";
import { searchHistory } from "./search-history.ts";

/** Ctrl/Cmd+K: full-text search over every message of every conversation on this device. */
export function SearchDialog({
  onClose,
  onOpen,
}: {
  onClose: () => void;
  onOpen: (conversationId: string, messageId?: string) => void;
}) {
  const { history } = useHistory();
  const [query, setQuery] = useState("");
  const deferred = useDeferredValue(query);
  const hits = useMemo(
    () => searchHistory(history.conversations, deferred),
    [history.conversations, deferred],
  );
  return (
    <Modal title="Search conversations" onClose={onClose} className="search-dialog">
      <input
        type="search"
        aria-label="Search messages"
        placeholder="Search every message…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        // biome-ignore lint/a11y/noAutofocus: the dialog opens to type a query.
        autoFocus
      />
      {deferred.trim() && (
        <p className="muted small-text" aria-live="polite">
          {hits.length === 0
            ? "No matches."
            : `${hits.length} conversation${hits.length === 1 ? "" : "s"} found.`}
        </p>
      )}
      <ul className="search-hits" aria-label="Search results">
        {hits.map((h) => (
          <li key={h.conversationId}>
            <button
              type="button"
              className="search-hit"
              onClick={() => onOpen(h.conversationId, h.messageId)}
            >
              <span className="hit-title">{h.title}</span>
              {h.snippet && <span className="hit-snippet">{h.snippet}</span>}
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
