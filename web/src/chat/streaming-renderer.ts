import { enhanceMarkdown } from "./enhance-markdown.ts";
import { renderMarkdown } from "./render-markdown.ts";
import { stableBoundary } from "./stable-boundary.ts";

/**
 * Renders a Markdown answer into a DOM element while it streams, without
 * re-rendering what is already on screen: finished blocks are rendered once
 * and appended; only the unfinished last block is re-rendered, at most once a
 * frame. The first text is drawn at once, in the same task it arrived in.
 */
export class StreamingRenderer {
  private text = "";
  private committed = 0;
  private readonly stable: HTMLElement;
  private readonly tail: HTMLElement;
  private frame: number | undefined;
  private drawnOnce = false;

  constructor(
    root: HTMLElement,
    private readonly schedule: (draw: () => void) => number = (draw) => requestAnimationFrame(draw),
    private readonly cancel: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
  ) {
    const doc = root.ownerDocument;
    this.stable = doc.createElement("div");
    this.stable.className = "md-stable";
    this.tail = doc.createElement("div");
    this.tail.className = "md-tail";
    root.replaceChildren(this.stable, this.tail);
  }

  /** All text so far. */
  get value(): string {
    return this.text;
  }

  /** Adds streamed text; returns true when it was drawn synchronously (the first text). */
  append(delta: string): boolean {
    if (!delta) return false;
    this.text += delta;
    if (!this.drawnOnce) {
      this.drawnOnce = true;
      this.draw();
      return true;
    }
    this.frame ??= this.schedule(() => {
      this.frame = undefined;
      this.draw();
    });
    return false;
  }

  /** Draws whatever is pending now (the stream ended or was stopped). */
  flush(): void {
    if (this.frame !== undefined) this.cancel(this.frame);
    this.frame = undefined;
    this.draw();
  }

  /** Stops drawing (the element is going away). */
  dispose(): void {
    if (this.frame !== undefined) this.cancel(this.frame);
    this.frame = undefined;
  }

  private draw(): void {
    const cut = stableBoundary(this.text, this.committed);
    if (cut > this.committed) {
      const block = this.stable.ownerDocument.createElement("div");
      block.innerHTML = renderMarkdown(this.text.slice(this.committed, cut));
      enhanceMarkdown(block);
      this.stable.append(...block.childNodes);
      this.committed = cut;
    }
    const rest = this.text.slice(this.committed);
    this.tail.innerHTML = rest ? renderMarkdown(rest) : "";
  }
}
