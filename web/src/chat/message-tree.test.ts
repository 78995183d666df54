import { describe, expect, it } from "vitest";
import {
  activePath,
  addMessage,
  emptyTree,
  type MessageTree,
  promptFor,
  selectPathTo,
  siblingPosition,
  switchBranch,
  type TreeMessage,
  updateMessage,
} from "./message-tree.ts";

let clock = 0;
const msg = (id: string, parentId: string | null, role: TreeMessage["role"], content = id): TreeMessage => ({
  id,
  parentId,
  role,
  content,
  createdAt: ++clock,
});
const ids = (tree: MessageTree) => activePath(tree).map((m) => m.id);

function conversation(): MessageTree {
  let t = emptyTree();
  t = addMessage(t, msg("u1", null, "user"));
  t = addMessage(t, msg("a1", "u1", "assistant"));
  t = addMessage(t, msg("u2", "a1", "user"));
  t = addMessage(t, msg("a2", "u2", "assistant"));
  return t;
}

describe("message tree", () => {
  it("follows the newest message when nothing branched", () => {
    expect(ids(conversation())).toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("regenerating adds a sibling answer and shows it; arrows go back to the first", () => {
    let t = addMessage(conversation(), msg("a2b", "u2", "assistant"));
    expect(ids(t)).toEqual(["u1", "a1", "u2", "a2b"]);
    expect(siblingPosition(t, "a2b")).toEqual({ index: 2, count: 2 });
    t = switchBranch(t, "a2b", -1);
    expect(ids(t)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(siblingPosition(t, "a2")).toEqual({ index: 1, count: 2 });
    // No sibling further left: unchanged.
    expect(switchBranch(t, "a2", -1)).toBe(t);
  });

  it("editing an early message branches the whole thread below it, and switching back restores it", () => {
    let t = conversation();
    t = addMessage(t, msg("u1b", null, "user", "edited"));
    t = addMessage(t, msg("a1b", "u1b", "assistant"));
    expect(ids(t)).toEqual(["u1b", "a1b"]);
    t = switchBranch(t, "u1b", -1);
    expect(ids(t)).toEqual(["u1", "a1", "u2", "a2"]);
    t = switchBranch(t, "u1", 1);
    expect(ids(t)).toEqual(["u1b", "a1b"]);
  });

  it("remembers the chosen branch deeper down when switching above it", () => {
    let t = addMessage(conversation(), msg("a2b", "u2", "assistant"));
    t = switchBranch(t, "a2b", -1);
    t = addMessage(t, msg("u1b", null, "user"));
    t = switchBranch(t, "u1b", -1);
    expect(ids(t)).toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("builds the prompt from the system prompt and the thread, skipping failed answers", () => {
    let t = conversation();
    t = updateMessage(t, "a1", { status: "error", content: "" });
    expect(promptFor(t, "u2", "Be brief.")).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "u1" },
      { role: "user", content: "u2" },
    ]);
    expect(promptFor(t, null, "")).toEqual([]);
  });

  it("selecting the path to a message on another branch puts it on screen", () => {
    let t = addMessage(conversation(), msg("a2b", "u2", "assistant"));
    t = addMessage(t, msg("u1b", null, "user"));
    expect(ids(t)).toEqual(["u1b"]);
    expect(ids(selectPathTo(t, "a2"))).toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("never mutates the tree it was given", () => {
    const t = conversation();
    const copy = structuredClone(t);
    addMessage(t, msg("x", "a2", "user"));
    switchBranch(t, "u1", 1);
    updateMessage(t, "a2", { content: "changed" });
    expect(t).toEqual(copy);
  });
});
