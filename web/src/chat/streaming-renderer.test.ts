// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown.ts";
import { StreamingRenderer } from "./streaming-renderer.ts";

function manualFrames() {
  const queue = new Map<number, () => void>();
  let next = 1;
  return {
    schedule: (draw: () => void) => {
      queue.set(next, draw);
      return next++;
    },
    cancel: (handle: number) => void queue.delete(handle),
    run: () => {
      const draws = [...queue.values()];
      queue.clear();
      for (const draw of draws) draw();
    },
    get pending() {
      return queue.size;
    },
  };
}

const answer =
  "## Plan\n\nHere is a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAnd code:\n\n```ts\nconst x = 1;\n\nconst y = 2;\n```\n\nDone *now*.";

describe("StreamingRenderer", () => {
  it("draws the first text synchronously, later text once per frame", () => {
    const root = document.createElement("div");
    const frames = manualFrames();
    const r = new StreamingRenderer(root, frames.schedule, frames.cancel);
    expect(r.append("Hel")).toBe(true);
    expect(root.textContent?.trim()).toBe("Hel");
    r.append("lo ");
    r.append("world");
    expect(frames.pending).toBe(1);
    expect(root.textContent?.trim()).toBe("Hel");
    frames.run();
    expect(root.textContent?.trim()).toBe("Hello world");
  });

  it("keeps finished blocks on screen untouched while later text streams in", () => {
    const root = document.createElement("div");
    const frames = manualFrames();
    const r = new StreamingRenderer(root, frames.schedule, frames.cancel);
    r.append("First paragraph.\n\nSecond");
    const first = root.querySelector(".md-stable p");
    expect(first?.textContent).toBe("First paragraph.");
    for (const piece of [" para", "graph.\n\nThird", " one."]) {
      r.append(piece);
      frames.run();
    }
    // The very same node: finished blocks are never re-rendered.
    expect(root.querySelector(".md-stable p")).toBe(first);
    expect(root.querySelectorAll(".md-stable p").length).toBe(2);
    expect(root.querySelector(".md-tail")?.textContent?.trim()).toBe("Third one.");
  });

  it("ends with the same HTML as rendering the whole answer, for any chunk size", () => {
    const whole = document.createElement("div");
    whole.innerHTML = renderMarkdown(answer);
    for (const size of [1, 2, 3, 7, 16, answer.length]) {
      const root = document.createElement("div");
      const frames = manualFrames();
      const r = new StreamingRenderer(root, frames.schedule, frames.cancel);
      for (let i = 0; i < answer.length; i += size) {
        r.append(answer.slice(i, i + size));
        if (i % (size * 3) === 0) frames.run();
      }
      r.flush();
      expect(r.value).toBe(answer);
      const streamed = [...root.querySelectorAll(".md-stable > *, .md-tail > *")].map((n) => n.outerHTML);
      const expected = [...whole.children].map((n) => n.outerHTML);
      expect(streamed.join("")).toBe(expected.join(""));
    }
  });

  it("renders a code fence that is still open as code, not as text", () => {
    const root = document.createElement("div");
    const r = new StreamingRenderer(
      root,
      () => 0,
      () => {},
    );
    r.append("```py\nprint('hi')\n\nx = 1");
    expect(root.querySelector("code")?.textContent).toContain("x = 1");
  });
});
