import { useLayoutEffect, useRef } from "react";
import type { LiveAnswer } from "./live-answer.ts";
import { StreamingRenderer } from "./streaming-renderer.ts";

/** Marks the browser test reads: the first token in the DOM, and the frame that shows it. */
export const FIRST_TOKEN_DOM_MARK = "masque:first-token-dom";
export const FIRST_TOKEN_FRAME_MARK = "masque:first-token-frame";

/**
 * An answer while it streams. React renders this once; the text goes straight
 * from the stream into the DOM through a StreamingRenderer, so no token causes
 * a React render of the message.
 */
export function StreamingAnswer({ answer }: { answer: LiveAnswer }) {
  const ref = useRef<HTMLDivElement>(null);
  const reasoningRef = useRef<HTMLPreElement>(null);
  useLayoutEffect(() => {
    const root = ref.current;
    if (!root) return;
    const renderer = new StreamingRenderer(root);
    const onFirst = () => {
      performance.mark(FIRST_TOKEN_DOM_MARK);
      requestAnimationFrame(() => performance.mark(FIRST_TOKEN_FRAME_MARK));
    };
    if (renderer.append(answer.text)) onFirst();
    if (reasoningRef.current) reasoningRef.current.textContent = answer.reasoning;
    const unsubscribe = answer.subscribe((delta) => {
      if (delta.reasoning && reasoningRef.current) reasoningRef.current.append(delta.reasoning);
      if (renderer.append(delta.content)) onFirst();
    });
    return () => {
      unsubscribe();
      renderer.dispose();
    };
  }, [answer]);
  return (
    <>
      <details className="reasoning">
        <summary>Reasoning</summary>
        <pre ref={reasoningRef} />
      </details>
      <div ref={ref} className="markdown streaming" />
    </>
  );
}
