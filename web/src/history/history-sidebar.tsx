import { useState } from "react";
import { AppLink, pageLinks } from "../lib/app-link.tsx";
import type { Conversation } from "./conversation.ts";
import { useHistory } from "./history-context.ts";

export interface HistorySidebarProps {
  currentId: string | undefined;
  onOpen: (id: string) => void;
  onNewChat: () => void;
  onSearch: () => void;
  onPresets: () => void;
  onPrivacy: () => void;
  onDeleted: (id: string) => void;
}

function ConversationRow({
  conversation: c,
  current,
  onOpen,
  onDeleted,
}: {
  conversation: Conversation;
  current: boolean;
  onOpen: (id: string) => void;
  onDeleted: (id: string) => void;
}) {
  const { store } = useHistory();
  const [menu, setMenu] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(c.title);
  const set = (patch: Partial<Conversation>) => store.update(c.id, (x) => ({ ...x, ...patch }));
  return (
    <li className={`conv${current ? " current" : ""}`}>
      {renaming ? (
        <form
          className="rename"
          onSubmit={(e) => {
            e.preventDefault();
            if (title.trim()) set({ title: title.trim() });
            setRenaming(false);
          }}
        >
          <input
            aria-label="New title"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                e.preventDefault();
                setRenaming(false);
              }
            }}
            // biome-ignore lint/a11y/noAutofocus: the user just asked to rename this row.
            autoFocus
          />
          <button type="submit" className="ghost small">
            Save
          </button>
        </form>
      ) : (
        <div className="conv-row">
          <button
            type="button"
            className="conv-open"
            aria-current={current ? "page" : undefined}
            onClick={() => onOpen(c.id)}
          >
            {c.pinned && (
              <span role="img" aria-label="Pinned">
                📌{" "}
              </span>
            )}
            {c.title}
          </button>
          <button
            type="button"
            className="icon conv-more"
            aria-label={`Options for ${c.title}`}
            aria-expanded={menu}
            onClick={() => setMenu((m) => !m)}
          >
            ⋯
          </button>
        </div>
      )}
      {menu && !renaming && (
        <div className="conv-menu">
          <button
            type="button"
            className="ghost small"
            onClick={() => {
              setTitle(c.title);
              setRenaming(true);
              setMenu(false);
            }}
          >
            Rename
          </button>
          <button type="button" className="ghost small" onClick={() => set({ pinned: !c.pinned })}>
            {c.pinned ? "Unpin" : "Pin"}
          </button>
          <button type="button" className="ghost small" onClick={() => set({ archived: !c.archived })}>
            {c.archived ? "Unarchive" : "Archive"}
          </button>
          <button
            type="button"
            className="ghost small danger"
            onClick={() => {
              if (confirm(`Delete “${c.title}” from this device? This cannot be undone.`)) {
                store.remove(c.id);
                onDeleted(c.id);
              }
            }}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}

/** The conversation list (pinned, recent, archived) and the note that history stays on this device. */
export function HistorySidebar(props: HistorySidebarProps) {
  const { store, history } = useHistory();
  const [showArchived, setShowArchived] = useState(false);
  const live = history.conversations.filter((c) => !c.archived);
  const pinned = live.filter((c) => c.pinned);
  const recent = live.filter((c) => !c.pinned);
  const archived = history.conversations.filter((c) => c.archived);
  const list = (items: Conversation[]) => (
    <ul className="conv-list">
      {items.map((c) => (
        <ConversationRow
          key={c.id}
          conversation={c}
          current={c.id === props.currentId}
          onOpen={props.onOpen}
          onDeleted={props.onDeleted}
        />
      ))}
    </ul>
  );
  return (
    <nav className="sidebar-inner" aria-label="Chat history">
      <div className="sidebar-actions">
        <button type="button" className="primary" onClick={props.onNewChat}>
          New chat
        </button>
        <button
          type="button"
          className="ghost"
          aria-label="Search conversations (Ctrl+K)"
          onClick={props.onSearch}
        >
          Search
        </button>
        <button type="button" className="ghost" onClick={props.onPresets}>
          Characters
        </button>
      </div>
      <div className="conv-scroll">
        {pinned.length > 0 && (
          <>
            <h3 className="list-head">Pinned</h3>
            {list(pinned)}
          </>
        )}
        <h3 className="list-head">Recent</h3>
        {recent.length > 0 ? list(recent) : <p className="muted small-text">No conversations yet.</p>}
        {archived.length > 0 && (
          <>
            <button
              type="button"
              className="ghost small"
              aria-expanded={showArchived}
              onClick={() => setShowArchived((s) => !s)}
            >
              {showArchived ? "Hide" : "Show"} archived ({archived.length})
            </button>
            {showArchived && list(archived)}
          </>
        )}
      </div>
      <footer className="sidebar-foot">
        <ul className="page-links" aria-label="Pages">
          {pageLinks
            .filter((l) => l.to !== "/")
            .map((l) => (
              <li key={l.to}>
                <AppLink to={l.to}>{l.label}</AppLink>
              </li>
            ))}
        </ul>
        <p className="device-note" role="note">
          <strong>History stays on this device.</strong> It is kept in this browser only and never sent to
          Masque’s servers. Clearing this site’s data in your browser deletes it for good — export it to keep
          a copy.
          {history.encrypted ? " Encrypted with your passphrase." : ""}
        </p>
        {history.error && (
          <p className="error" role="alert">
            {history.error}
          </p>
        )}
        <div className="row">
          <button type="button" className="ghost small" onClick={props.onPrivacy}>
            Privacy &amp; data
          </button>
          {history.encrypted && (
            <button type="button" className="ghost small" onClick={() => void store.lock()}>
              Lock
            </button>
          )}
        </div>
      </footer>
    </nav>
  );
}
