import type { Conversation } from "../history/conversation.ts";
import { newId } from "../history/conversation.ts";
import type { HistoryStore } from "../history/history-store.ts";
import { ApiError } from "../lib/api-error.ts";
import { LiveAnswer } from "./live-answer.ts";
import { addMessage, promptFor, type TreeMessage, updateMessage } from "./message-tree.ts";
import { streamChatCompletion } from "./stream-chat-completion.ts";

export interface GenerateOptions {
  conversationId: string;
  /** The user message to answer. */
  parentId: string;
  model: string;
  /** The model's context window, to keep the answer inside it. */
  contextLength: number;
}

/**
 * Runs answers: adds the assistant message, streams it into a LiveAnswer the
 * screen listens to, and stores the final text, usage and headers in the
 * history once — never per token. One answer at a time per conversation.
 */
export class ChatController {
  private readonly running = new Map<string, { answer: LiveAnswer; abort: AbortController }>();
  private readonly listeners = new Set<() => void>();
  private version = 0;

  constructor(private readonly history: HistoryStore) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Changes whenever an answer starts or ends (for useSyncExternalStore). */
  getVersion = (): number => this.version;

  /** True while the conversation has an answer streaming. */
  isGenerating(conversationId: string): boolean {
    return this.running.has(conversationId);
  }

  /** The streaming answer with this message id, if it is still streaming. */
  liveAnswer(messageId: string): LiveAnswer | undefined {
    for (const r of this.running.values()) if (r.answer.messageId === messageId) return r.answer;
    return undefined;
  }

  /** Stops the conversation's answer; what arrived so far is kept. */
  stop(conversationId: string): void {
    this.running.get(conversationId)?.abort.abort();
  }

  /** Adds a user message under `parentId` (null: first message) and answers it. */
  send(
    conversation: Conversation,
    parentId: string | null,
    text: string,
    model: string,
    contextLength: number,
  ): void {
    const user: TreeMessage = { id: newId(), parentId, role: "user", content: text, createdAt: Date.now() };
    this.history.put({ ...conversation, tree: addMessage(conversation.tree, user), updatedAt: Date.now() });
    void this.generate({ conversationId: conversation.id, parentId: user.id, model, contextLength });
  }

  /** Streams a new answer to the user message `parentId`, as a new branch if it already has one. */
  async generate(options: GenerateOptions): Promise<void> {
    const conversation = this.history.get(options.conversationId);
    if (!conversation || this.running.has(conversation.id)) return;
    const id = newId();
    const answer = new LiveAnswer(id);
    const abort = new AbortController();
    const placeholder: TreeMessage = {
      id,
      parentId: options.parentId,
      role: "assistant",
      content: "",
      createdAt: Date.now(),
      model: options.model,
      status: "streaming",
    };
    this.running.set(conversation.id, { answer, abort });
    this.history.put({
      ...conversation,
      tree: addMessage(conversation.tree, placeholder),
      updatedAt: Date.now(),
    });
    this.changed();

    const messages = promptFor(conversation.tree, options.parentId, conversation.systemPrompt);
    // About 3 characters a token: keep prompt plus answer inside the context window.
    const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length + 8, 0) / 3);
    const room = Math.max(64, options.contextLength - promptTokens);
    const maxTokens = Math.min(conversation.maxTokens ?? room, room);
    let patch: Partial<TreeMessage>;
    try {
      const result = await streamChatCompletion({
        model: options.model,
        messages,
        maxTokens,
        signal: abort.signal,
        onOpen: (meta) => {
          answer.meta = meta;
        },
        onDelta: (delta) => answer.push(delta),
      });
      patch = { status: "done" };
      if (result.usage) patch.usage = result.usage;
      if (result.finishReason) patch.finishReason = result.finishReason;
    } catch (err) {
      if (abort.signal.aborted) patch = { status: "stopped" };
      else {
        const error =
          err instanceof ApiError
            ? { message: err.message, code: err.code }
            : {
                message: "The gateway could not be reached. Check your connection and try again.",
                code: null,
              };
        patch = { status: "error", error };
      }
    }
    patch.content = answer.text;
    if (answer.reasoning) patch.reasoning = answer.reasoning;
    if (answer.meta) patch.meta = answer.meta;
    this.running.delete(conversation.id);
    this.history.update(conversation.id, (c) => ({
      ...c,
      tree: updateMessage(c.tree, id, patch),
      updatedAt: Date.now(),
    }));
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
