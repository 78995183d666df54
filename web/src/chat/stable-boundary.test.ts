import { describe, expect, it } from "vitest";
import { stableBoundary } from "./stable-boundary.ts";

describe("stableBoundary", () => {
  it("cuts after the last blank line", () => {
    const text = "# Title\n\nFirst para.\n\nSecond para is still";
    expect(text.slice(0, stableBoundary(text))).toBe("# Title\n\nFirst para.\n\n");
  });

  it("never cuts inside an open code fence, even at blank lines", () => {
    const text = "Intro\n\n```py\nx = 1\n\ny = 2\n";
    expect(stableBoundary(text)).toBe("Intro\n\n".length);
  });

  it("cuts right after a closing fence", () => {
    const text = "```js\nlet a;\n\n```\nafter";
    expect(text.slice(0, stableBoundary(text))).toBe("```js\nlet a;\n\n```\n");
  });

  it("a shorter or different fence does not close a longer one", () => {
    const text = "````\n```\n~~~~\n\nstill code\n";
    expect(stableBoundary(text)).toBe(0);
  });

  it("never cuts inside display math", () => {
    const text = "$$\na = b\n\nc = d\n";
    expect(stableBoundary(text)).toBe(0);
    expect(stableBoundary(`${text}$$\n`)).toBe(text.length + 3);
  });

  it("a line still being written is never part of the stable text", () => {
    expect(stableBoundary("Hello\n\n")).toBe(7);
    expect(stableBoundary("Hello\n")).toBe(0);
  });

  it("scanning from an earlier boundary finds the same cut as scanning from the start", () => {
    const text = "a\n\nb\n\n```\nc\n\n```\n\nd\n\ne";
    const first = stableBoundary(text.slice(0, 8));
    expect(stableBoundary(text, first)).toBe(stableBoundary(text));
  });
});
