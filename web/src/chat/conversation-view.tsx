import type { ModelEntry } from "@masque/shared";
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import type { Conversation } from "../history/conversation.ts";
import type { ChatController } from "./chat-controller.ts";
import { type MessageActions, MessageItem } from "./message-item.tsx";
import { activePath, siblingPosition } from "./message-tree.ts";

export interface ConversationViewProps extends MessageActions {
  conversation: Conversation | undefined;
  controller: ChatController;
  models: ModelEntry[];
}

/** The thread on screen. Only messages whose object changed re-render; tokens never re-render it. */
export function ConversationView({ conversation, controller, models, ...actions }: ConversationViewProps) {
  useSyncExternalStore(controller.subscribe, controller.getVersion);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const path = conversation ? activePath(conversation.tree) : [];
  const busy = conversation ? controller.isGenerating(conversation.id) : false;
  const last = path[path.length - 1]?.id;

  // Follow a streaming answer down unless the reader scrolled up.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const follow = new MutationObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    follow.observe(el, { childList: true, subtree: true, characterData: true });
    return () => follow.disconnect();
  }, []);
  useEffect(() => {
    stick.current = true;
    if (scroller.current && last) scroller.current.scrollTop = scroller.current.scrollHeight;
  }, [last]);

  const onCopyCode = useCallback((e: React.MouseEvent) => {
    const button = (e.target as HTMLElement).closest("button.copy-code");
    const code = button?.closest(".code-block")?.querySelector("code");
    if (!button || !code) return;
    void navigator.clipboard?.writeText(code.textContent ?? "").then(() => {
      button.textContent = "Copied";
      setTimeout(() => {
        button.textContent = "Copy";
      }, 1500);
    });
  }, []);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: delegates clicks of the code blocks' own copy buttons.
    <div
      ref={scroller}
      className="thread"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
      onClick={onCopyCode}
    >
      {path.length === 0 ? (
        <div className="empty-thread">
          <h2>What can I help with?</h2>
          <p>
            Your conversations are kept in this browser only. The gateway forwards each message to the model
            and keeps none of it.
          </p>
        </div>
      ) : (
        <section className="messages" aria-label="Conversation">
          {path.map((m) => {
            const branch = siblingPosition(conversation?.tree ?? { messages: {}, selected: {} }, m.id);
            return (
              <MessageItem
                key={m.id}
                message={m}
                branchIndex={branch.index}
                branchCount={branch.count}
                live={controller.liveAnswer(m.id)}
                busy={busy}
                modelEntry={models.find((x) => x.id === m.model)}
                {...actions}
              />
            );
          })}
        </section>
      )}
    </div>
  );
}
