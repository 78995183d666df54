import { describe, expect, it } from "vitest";
import { activePath, siblingPosition, switchBranch } from "../chat/message-tree.ts";
import chatgpt from "./fixtures/chatgpt-conversations.json" with { type: "json" };
import { importChatGpt, isChatGptExport } from "./import-chatgpt.ts";
import { isMasqueExport } from "./masque-export.ts";

describe("importChatGpt", () => {
  it("recognises ChatGPT's conversations.json and not a Masque file", () => {
    expect(isChatGptExport(chatgpt)).toBe(true);
    expect(isMasqueExport(chatgpt)).toBe(false);
    expect(isChatGptExport({ format: "masque-history" })).toBe(false);
  });

  it("keeps user and assistant text, drops system, tool and hidden nodes, and shows ChatGPT's last thread", () => {
    if (!isChatGptExport(chatgpt)) throw new Error("fixture");
    const [paris, ...rest] = importChatGpt(chatgpt);
    expect(rest).toEqual([]); // the conversation with no messages is skipped
    expect(paris?.title).toBe("Paris trip");
    expect(paris?.id).toBe("chatgpt-6657a1b2-0000-4000-8000-000000000001");
    expect(paris?.createdAt).toBe(1717000000500);
    expect(paris?.updatedAt).toBe(1717000900250);
    expect(paris?.systemPrompt).toBe("I am a vegetarian.\n\nAnswer briefly.");
    if (!paris) return;
    const thread = activePath(paris.tree).map((m) => [m.role, m.content]);
    expect(thread).toEqual([
      ["user", "Plan a day in Paris"],
      ["assistant", "Morning at the **Louvre**, afternoon at the Orsay."],
      ["user", "[image]\nWhat about this restaurant?"],
      ["assistant", "It looks lovely."],
    ]);
    expect(activePath(paris.tree)[1]?.model).toBe("gpt-4o");
  });

  it("keeps the edited branch: arrows lead to the other version of the question", () => {
    if (!isChatGptExport(chatgpt)) throw new Error("fixture");
    const [paris] = importChatGpt(chatgpt);
    if (!paris) throw new Error("no conversation");
    const edited = activePath(paris.tree)[2];
    if (!edited) throw new Error("no third message");
    expect(siblingPosition(paris.tree, edited.id)).toEqual({ index: 2, count: 2 });
    const other = switchBranch(paris.tree, edited.id, -1);
    expect(
      activePath(other)
        .map((m) => m.content)
        .slice(2),
    ).toEqual(["And dinner?", "Try a bistro in Le Marais."]);
  });

  it("gives the same ids on a second import, so re-importing adds nothing new", () => {
    if (!isChatGptExport(chatgpt)) throw new Error("fixture");
    expect(importChatGpt(chatgpt)).toEqual(importChatGpt(chatgpt));
  });
});
