// @vitest-environment happy-dom
import { act, Profiler } from "react";
import { createRoot } from "react-dom/client";
import { describe, expect, it } from "vitest";
import { LiveAnswer } from "./live-answer.ts";
import { StreamingAnswer } from "./streaming-answer.tsx";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe("StreamingAnswer", () => {
  it("renders once with React; every later token goes straight to the DOM", async () => {
    const container = document.createElement("div");
    document.body.append(container);
    const answer = new LiveAnswer("m1");
    let renders = 0;
    const root = createRoot(container);
    await act(async () => {
      root.render(
        <Profiler id="answer" onRender={() => renders++}>
          <StreamingAnswer answer={answer} />
        </Profiler>,
      );
    });
    expect(renders).toBe(1);

    answer.push({ content: "Once", reasoning: "" });
    // The first token is on the page synchronously, in the task it arrived in.
    expect(container.querySelector(".streaming")?.textContent?.trim()).toBe("Once");
    const words = " upon a time, there was a **bold** fox.\n\nThe end.".split(/(?= )/);
    for (const word of words) answer.push({ content: word, reasoning: "" });
    answer.push({ content: "", reasoning: "pondering" });
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(renders).toBe(1);
    expect(container.querySelector(".streaming strong")?.textContent).toBe("bold");
    expect(container.querySelector(".streaming")?.textContent).toContain("The end.");
    expect(container.querySelector(".reasoning pre")?.textContent).toBe("pondering");
    await act(async () => root.unmount());
  });
});
