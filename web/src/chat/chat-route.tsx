import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { type Conversation, newId, type Preset, titleFrom } from "../history/conversation.ts";
import { useHistory } from "../history/history-context.ts";
import { HistorySidebar } from "../history/history-sidebar.tsx";
import { LockScreen } from "../history/lock-screen.tsx";
import { PrivacyDialog } from "../history/privacy-dialog.tsx";
import { SearchDialog } from "../history/search-dialog.tsx";
import { modelsQuery, sessionQuery } from "../lib/queries.ts";
import { navigate, usePathname } from "../lib/router.ts";
import { pickModel } from "../models/model-choice.ts";
import { ModelPicker } from "../models/model-picker.tsx";
import "./chat.css";
import { ChatController } from "./chat-controller.ts";
import { type ChatSettings, ChatSettingsDialog } from "./chat-settings-dialog.tsx";
import { Composer } from "./composer.tsx";
import { ConversationView } from "./conversation-view.tsx";
import { activePath, emptyTree, selectPathTo, switchBranch, type TreeMessage } from "./message-tree.ts";
import { PresetsDialog } from "./presets-dialog.tsx";
import { billingText } from "./response-meta.ts";

const LAST_MODEL = "masque.lastModel";
type Dialog = "search" | "privacy" | "presets" | "settings" | undefined;
interface Draft extends ChatSettings {
  model?: string;
  presetId?: string;
}

/** The chat page: history on the left, the conversation and the composer on the right. */
export default function ChatRoute() {
  const { history } = useHistory();
  if (history.status === "locked") return <LockScreen />;
  if (history.status === "failed") {
    return (
      <main className="page-loading">
        <p role="alert">
          This browser’s storage could not be opened ({history.error}). Private windows and some settings
          block IndexedDB; chat history needs it.
        </p>
      </main>
    );
  }
  if (history.status === "loading") return <p className="page-loading">Opening your history…</p>;
  return <Chat />;
}

function Chat() {
  const { store, history } = useHistory();
  const controller = useMemo(() => new ChatController(store), [store]);
  useSyncExternalStore(controller.subscribe, controller.getVersion);
  const pathname = usePathname();
  const conversationId = /^\/c\/([\w-]+)$/.exec(pathname)?.[1];
  const conversation = conversationId
    ? history.conversations.find((c) => c.id === conversationId)
    : undefined;
  const [draft, setDraft] = useState<Draft>({ systemPrompt: "" });
  const [dialog, setDialog] = useState<Dialog>();
  const [sidebarOpen, setSidebarOpen] = useState(false);

  const session = useQuery(sessionQuery());
  const models = useQuery(modelsQuery(session.isSuccess));
  const tier = session.data?.tier ?? "free";
  const modelList = models.data?.data ?? [];
  const preferred = conversation?.model ?? draft.model ?? localStorage.getItem(LAST_MODEL) ?? undefined;
  const model = pickModel(modelList, tier, preferred);
  const generating = conversation ? controller.isGenerating(conversation.id) : false;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setDialog("search");
      } else if (e.key === "Escape" && !document.querySelector("dialog[open]")) {
        if (conversation && controller.isGenerating(conversation.id)) controller.stop(conversation.id);
        else setSidebarOpen(false);
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [controller, conversation]);

  const open = useCallback((id: string) => {
    navigate(`/c/${id}`);
    setDialog(undefined);
    setSidebarOpen(false);
  }, []);

  const newChat = useCallback((preset?: Preset) => {
    setDraft(
      preset
        ? { systemPrompt: preset.systemPrompt, model: preset.model, presetId: preset.id }
        : { systemPrompt: "" },
    );
    navigate("/");
    setDialog(undefined);
    setSidebarOpen(false);
    setTimeout(() => document.getElementById("composer-input")?.focus(), 0);
  }, []);

  const send = (text: string) => {
    if (!model) return;
    const ctx = model.model_spec.context_length;
    if (conversation) {
      const leaf = activePath(conversation.tree).at(-1);
      controller.send(conversation, leaf?.id ?? null, text, model.id, ctx);
      return;
    }
    const now = Date.now();
    const fresh: Conversation = {
      id: newId(),
      title: titleFrom(text),
      createdAt: now,
      updatedAt: now,
      pinned: false,
      archived: false,
      systemPrompt: draft.systemPrompt,
      model: model.id,
      tree: emptyTree(),
    };
    if (draft.maxTokens) fresh.maxTokens = draft.maxTokens;
    if (draft.presetId) fresh.presetId = draft.presetId;
    controller.send(fresh, null, text, model.id, ctx);
    navigate(`/c/${fresh.id}`);
  };

  const actions = {
    onEdit: useCallback(
      (message: TreeMessage, text: string) => {
        const c = conversationId ? store.get(conversationId) : undefined;
        if (c && model) controller.send(c, message.parentId, text, model.id, model.model_spec.context_length);
      },
      [conversationId, store, controller, model],
    ),
    onRegenerate: useCallback(
      (message: TreeMessage) => {
        if (!conversationId || !model || message.parentId === null) return;
        void controller.generate({
          conversationId,
          parentId: message.parentId,
          model: model.id,
          contextLength: model.model_spec.context_length,
        });
      },
      [conversationId, controller, model],
    ),
    onBranch: useCallback(
      (message: TreeMessage, step: -1 | 1) => {
        if (conversationId)
          store.update(conversationId, (c) => ({ ...c, tree: switchBranch(c.tree, message.id, step) }));
      },
      [conversationId, store],
    ),
  };

  const chooseModel = (id: string) => {
    localStorage.setItem(LAST_MODEL, id);
    if (conversation) store.update(conversation.id, (c) => ({ ...c, model: id }));
    else setDraft((d) => ({ ...d, model: id }));
  };

  const settings: ChatSettings = conversation
    ? { systemPrompt: conversation.systemPrompt, maxTokens: conversation.maxTokens }
    : draft;
  const preset = history.presets.find((p) => p.id === (conversation?.presetId ?? draft.presetId));
  const lastMeta = conversation
    ? activePath(conversation.tree)
        .filter((m) => m.meta)
        .at(-1)?.meta
    : undefined;
  const rate = lastMeta?.rateLimit;
  const status = [
    rate?.remainingRequests !== undefined && rate.limitRequests !== undefined
      ? `${rate.remainingRequests} of ${rate.limitRequests} requests left this minute`
      : undefined,
    ...Object.entries(lastMeta?.billing ?? {})
      .filter(([name]) => /credit|balance|diem/.test(name))
      .map(([name, value]) => billingText(name, value)),
  ]
    .filter(Boolean)
    .join(" · ");

  const gatewayError = session.error ?? models.error;
  return (
    <div className={`app${sidebarOpen ? " sidebar-open" : ""}`}>
      <aside className="sidebar" id="sidebar">
        <HistorySidebar
          currentId={conversation?.id}
          onOpen={open}
          onNewChat={() => newChat()}
          onSearch={() => setDialog("search")}
          onPresets={() => setDialog("presets")}
          onPrivacy={() => setDialog("privacy")}
          onDeleted={(id) => {
            if (id === conversationId) navigate("/");
          }}
        />
      </aside>
      {sidebarOpen && (
        <button
          type="button"
          className="scrim"
          aria-label="Close history"
          onClick={() => setSidebarOpen(false)}
        />
      )}
      <main className="chat">
        <header className="chat-head">
          <button
            type="button"
            className="icon menu-button"
            aria-label="Open history"
            aria-controls="sidebar"
            aria-expanded={sidebarOpen}
            onClick={() => setSidebarOpen(true)}
          >
            ☰
          </button>
          <h1 className="chat-title">
            {conversation?.title ?? (conversationId ? "Not found" : "New chat")}
            {preset && <span className="preset-tag"> · {preset.name}</span>}
          </h1>
          <ModelPicker
            models={modelList}
            tier={tier}
            value={model?.id}
            onChange={chooseModel}
            disabled={generating}
          />
          <button
            type="button"
            className="ghost small"
            aria-label="Chat settings"
            onClick={() => setDialog("settings")}
          >
            <span className="wide-only">Chat settings</span>
            <span className="narrow-only" aria-hidden="true">
              ⚙
            </span>
          </button>
        </header>
        {gatewayError && (
          <p className="banner error" role="alert">
            Could not reach the Masque gateway: {gatewayError.message}{" "}
            <button
              type="button"
              className="ghost small"
              onClick={() => void (session.isError ? session.refetch() : models.refetch())}
            >
              Retry
            </button>
          </p>
        )}
        {models.isSuccess && !model && (
          <p className="banner" role="status">
            No model can answer right now{tier === "free" ? " on the Free plan" : ""}. Open the model list to
            see why.
          </p>
        )}
        {conversationId && !conversation ? (
          <div className="empty-thread">
            <h2>This conversation is not on this device</h2>
            <p>It may have been deleted, or it lives in another browser.</p>
            <button type="button" className="primary" onClick={() => newChat()}>
              New chat
            </button>
          </div>
        ) : (
          <ConversationView
            conversation={conversation}
            controller={controller}
            models={modelList}
            {...actions}
          />
        )}
        <Composer
          generating={generating}
          disabled={!model || (conversationId !== undefined && !conversation)}
          onSend={send}
          onStop={() => conversation && controller.stop(conversation.id)}
          status={status || undefined}
        />
      </main>
      {dialog === "search" && (
        <SearchDialog
          onClose={() => setDialog(undefined)}
          onOpen={(id, messageId) => {
            if (messageId) {
              store.update(id, (c) => ({ ...c, tree: selectPathTo(c.tree, messageId) }));
              setTimeout(
                () => document.getElementById(`m-${messageId}`)?.scrollIntoView({ block: "center" }),
                50,
              );
            }
            open(id);
          }}
        />
      )}
      {dialog === "privacy" && <PrivacyDialog onClose={() => setDialog(undefined)} />}
      {dialog === "presets" && (
        <PresetsDialog
          models={modelList}
          tier={tier}
          onClose={() => setDialog(undefined)}
          onStart={(p) => newChat(p)}
        />
      )}
      {dialog === "settings" && (
        <ChatSettingsDialog
          initial={settings}
          onClose={() => setDialog(undefined)}
          onSave={(s) => {
            if (conversation)
              store.update(conversation.id, (c) => ({
                ...c,
                systemPrompt: s.systemPrompt,
                maxTokens: s.maxTokens,
              }));
            else setDraft((d) => ({ ...d, ...s }));
          }}
        />
      )}
    </div>
  );
}
