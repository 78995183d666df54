import { describe, expect, it } from "vitest";
import { formatIssuePath } from "./issue-path.ts";

describe("formatIssuePath", () => {
  it("writes paths the way OpenAI names parameters", () => {
    expect(formatIssuePath(["messages", 0, "content", 2, "text"])).toBe("messages[0].content[2].text");
    expect(formatIssuePath(["temperature"])).toBe("temperature");
    expect(formatIssuePath([])).toBe("");
  });
});
