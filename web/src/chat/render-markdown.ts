import { Marked, type TokenizerAndRendererExtension, type Tokens } from "marked";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const SAFE_HREF = /^(?:https?:|mailto:|#)/i;

function safeHref(href: string): string | undefined {
  const trimmed = href.trim();
  return SAFE_HREF.test(trimmed) ? trimmed : undefined;
}

interface MathToken extends Tokens.Generic {
  type: "math";
  tex: string;
  display: boolean;
}

const mathHtml = (tex: string, display: boolean) =>
  display
    ? `<div class="math math-display" data-tex="${escapeHtml(tex)}">${escapeHtml(tex)}</div>`
    : `<span class="math" data-tex="${escapeHtml(tex)}">${escapeHtml(tex)}</span>`;

/** `$$…$$` and `\[…\]` on their own lines. */
const blockMath: TokenizerAndRendererExtension = {
  name: "blockMath",
  level: "block",
  start: (src) => src.match(/^ {0,3}(?:\$\$|\\\[)/m)?.index,
  tokenizer(src) {
    const m = /^ {0,3}(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\])[ \t]*(?:\n|$)/.exec(src);
    if (!m) return undefined;
    const tex = (m[1] ?? m[2] ?? "").trim();
    return { type: "blockMath", raw: m[0], tex, display: true };
  },
  renderer: (token) => mathHtml((token as MathToken).tex, true),
};

/** `$…$` (not `$5 and $10`), `\(…\)` and inline `$$…$$`. */
const inlineMath: TokenizerAndRendererExtension = {
  name: "inlineMath",
  level: "inline",
  start: (src) => src.match(/\$|\\\(/)?.index,
  tokenizer(src) {
    const m =
      /^\$\$(?!\s)([^$]+?)\$\$/.exec(src) ??
      /^\$(?![\s$])((?:\\.|[^\\\n$])+?)(?<!\s)\$(?![\d$])/.exec(src) ??
      /^\\\(([\s\S]+?)\\\)/.exec(src);
    if (!m?.[1]) return undefined;
    return { type: "inlineMath", raw: m[0], tex: m[1].trim(), display: m[0].startsWith("$$") };
  },
  renderer: (token) => mathHtml((token as MathToken).tex, (token as MathToken).display),
};

const marked = new Marked({
  gfm: true,
  breaks: false,
  extensions: [blockMath, inlineMath],
  renderer: {
    // A model's raw HTML is shown as text, never interpreted.
    html: ({ text }) => escapeHtml(text),
    code({ text, lang }) {
      const language = (lang ?? "").match(/^[\w+#.-]{1,32}/)?.[0] ?? "";
      return (
        `<div class="code-block"><div class="code-head"><span class="code-lang">${escapeHtml(language || "text")}</span>` +
        `<button type="button" class="copy-code" aria-label="Copy code">Copy</button></div>` +
        `<pre><code data-lang="${escapeHtml(language)}">${escapeHtml(text.replace(/\n$/, ""))}</code></pre></div>`
      );
    },
    link({ href, title, tokens }) {
      const inner = this.parser.parseInline(tokens);
      const safe = safeHref(href);
      if (!safe) return inner;
      const t = title ? ` title="${escapeHtml(title)}"` : "";
      return `<a href="${escapeHtml(safe)}"${t} target="_blank" rel="noopener noreferrer nofollow">${inner}</a>`;
    },
    // Remote images would leak the reader's address (and the CSP blocks them): show a link instead.
    image({ href, text }) {
      const label = `🖼 ${escapeHtml(text || "image")}`;
      const safe = safeHref(href);
      return safe
        ? `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener noreferrer nofollow">${label}</a>`
        : label;
    },
    checkbox: ({ checked }) => (checked ? "☑ " : "☐ "),
    table(token) {
      // The default table renderer, wrapped so wide tables scroll on a phone.
      const header = token.header.map((cell) => this.tablecell(cell)).join("");
      const rows = token.rows
        .map((row) => `<tr>${row.map((cell) => this.tablecell(cell)).join("")}</tr>`)
        .join("");
      return `<div class="table-wrap"><table><thead><tr>${header}</tr></thead>${rows ? `<tbody>${rows}</tbody>` : ""}</table></div>`;
    },
  },
});

/**
 * Markdown (GitHub-flavoured: tables, task lists, strikethrough, autolinks,
 * plus `$…$` math) to HTML that is safe to insert: raw HTML is escaped, only
 * http(s)/mailto links survive, images become links. Code and math are left as
 * marked-up text for `enhanceMarkdown` to highlight and typeset.
 */
export function renderMarkdown(text: string): string {
  return marked.parse(text, { async: false });
}
