// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown.ts";

describe("renderMarkdown", () => {
  it("renders GitHub tables", () => {
    const html = renderMarkdown("| a | b |\n|---|---|\n| 1 | 2 |\n");
    expect(html).toContain("<table>");
    expect(html).toContain("<td>2</td>");
  });

  it("escapes raw HTML instead of interpreting it", () => {
    const html = renderMarkdown('Hi <img src=x onerror="alert(1)"> there\n\n<script>alert(1)</script>');
    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain("&lt;script&gt;");
  });

  it("keeps http(s) links, drops javascript: links, and never loads images", () => {
    expect(renderMarkdown("[ok](https://example.com)")).toContain('href="https://example.com"');
    expect(renderMarkdown("[bad](javascript:alert(1))")).not.toContain("href");
    const img = renderMarkdown("![cat](https://example.com/cat.png)");
    expect(img).not.toContain("<img");
    expect(img).toContain('href="https://example.com/cat.png"');
  });

  it("marks math for typesetting, but not prices", () => {
    expect(renderMarkdown("Euler: $e^{i\\pi}+1=0$.")).toContain('data-tex="e^{i\\pi}+1=0"');
    expect(renderMarkdown("$$\n\\int_0^1 x\\,dx\n$$\n")).toContain('class="math math-display"');
    expect(renderMarkdown("It costs $5 and $10.")).not.toContain("math");
  });

  it("renders code blocks with their language and a named copy button", () => {
    const html = renderMarkdown("```python\nprint('<hi>')\n```\n");
    expect(html).toContain('data-lang="python"');
    expect(html).toContain('aria-label="Copy code"');
    expect(html).toContain("print(&#39;&lt;hi&gt;&#39;)");
  });
});
