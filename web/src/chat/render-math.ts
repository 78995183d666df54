import katex from "katex";
import "katex/dist/katex.min.css";

/** Typesets one `.math[data-tex]` element with KaTeX (HTML plus MathML for screen readers). */
export function typeset(el: HTMLElement): void {
  el.dataset.typeset = "yes";
  katex.render(el.dataset.tex ?? "", el, {
    displayMode: el.classList.contains("math-display"),
    throwOnError: false,
    output: "htmlAndMathml",
    trust: false,
    maxExpand: 1000,
    maxSize: 50,
  });
}
