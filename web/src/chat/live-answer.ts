import type { ResponseMeta } from "./response-meta.ts";

/** Text of an answer while it streams, outside React: listeners get each delta as it arrives. */
export class LiveAnswer {
  text = "";
  reasoning = "";
  meta: ResponseMeta | undefined;
  private readonly listeners = new Set<(delta: { content: string; reasoning: string }) => void>();

  constructor(readonly messageId: string) {}

  /** Adds streamed text and tells the listeners. */
  push(delta: { content: string; reasoning: string }): void {
    this.text += delta.content;
    this.reasoning += delta.reasoning;
    for (const l of this.listeners) l(delta);
  }

  /** Listens to deltas; returns the unsubscribe function. */
  subscribe(listener: (delta: { content: string; reasoning: string }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
