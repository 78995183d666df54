import { memo, useLayoutEffect, useMemo, useRef } from "react";
import { enhanceMarkdown } from "./enhance-markdown.ts";
import { renderMarkdown } from "./render-markdown.ts";

/** A finished answer as Markdown (safe HTML from `renderMarkdown`), with code highlighted and math typeset. */
export const MarkdownView = memo(function MarkdownView({ text }: { text: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const html = useMemo(() => ({ __html: renderMarkdown(text) }), [text]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: enhance again whenever new HTML was rendered.
  useLayoutEffect(() => {
    if (ref.current) enhanceMarkdown(ref.current);
  }, [html]);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown escapes raw HTML and allows only safe links.
  return <div ref={ref} className="markdown" dangerouslySetInnerHTML={html} />;
});
