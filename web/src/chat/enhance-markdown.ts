type Highlighter = typeof import("./highlight-code.ts");
type MathRenderer = typeof import("./render-math.ts");

let highlighter: Highlighter | undefined;
let mathRenderer: MathRenderer | undefined;
let highlighterLoading: Promise<Highlighter> | undefined;
let mathLoading: Promise<MathRenderer> | undefined;

/**
 * Highlights the code blocks and typesets the math that `renderMarkdown` left
 * inside `root`. The highlighter and KaTeX are separate chunks loaded on first
 * need, so the chat route starts without them; once loaded, enhancing is
 * synchronous (no flash when a streamed answer is swapped for its final form).
 */
export function enhanceMarkdown(root: ParentNode): void {
  const codes = root.querySelectorAll<HTMLElement>("code[data-lang]:not([data-highlighted])");
  if (codes.length > 0) {
    if (highlighter) for (const code of codes) highlighter.highlightElement(code);
    else {
      highlighterLoading ??= import("./highlight-code.ts");
      void highlighterLoading.then((h) => {
        highlighter = h;
        for (const code of codes) if (code.isConnected) h.highlightElement(code);
      });
    }
  }
  const maths = root.querySelectorAll<HTMLElement>(".math[data-tex]:not([data-typeset])");
  if (maths.length > 0) {
    if (mathRenderer) for (const el of maths) mathRenderer.typeset(el);
    else {
      mathLoading ??= import("./render-math.ts");
      void mathLoading.then((m) => {
        mathRenderer = m;
        for (const el of maths) if (el.isConnected) m.typeset(el);
      });
    }
  }
}
