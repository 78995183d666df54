import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PlaceholderVault } from "./placeholder-vault.ts";
import { ChatStreamRestorer, restoreChatCompletion } from "./restore-chat-completion.ts";
import { restorePlaceholders } from "./restore-placeholders.ts";

function vault(): PlaceholderVault {
  const v = new PlaceholderVault();
  v.placeholderFor("PERSON", "Ada Lovelace");
  v.placeholderFor("EMAIL", "ada@example.com");
  v.placeholderFor("ADDRESS", '12 "Quoted" Road\nLondon');
  return v;
}

interface Delta {
  content?: string;
  tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
}
interface Chunk {
  choices: Array<{ index: number; delta: Delta; finish_reason: string | null }>;
}

/** Splits a string at sorted cut points. */
function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let at = 0;
  for (const p of points) {
    parts.push(text.slice(at, p));
    at = p;
  }
  parts.push(text.slice(at));
  return parts;
}

/** Feeds chunks and collects what a client would assemble, per field. */
function collect(restorer: ChatStreamRestorer, chunks: Chunk[]): { content: string; args: string } {
  let content = "";
  let args = "";
  for (const chunk of chunks) {
    const out = restorer.restoreChunk(chunk);
    for (const choice of out.choices) {
      content += choice.delta.content ?? "";
      for (const call of choice.delta.tool_calls ?? []) args += call.function?.arguments ?? "";
    }
  }
  for (const { delta } of restorer.drain()) {
    content += typeof delta.content === "string" ? delta.content : "";
    for (const call of (delta.tool_calls as Delta["tool_calls"]) ?? [])
      args += call.function?.arguments ?? "";
  }
  return { content, args };
}

describe("restoreChatCompletion", () => {
  it("restores content and tool-call arguments of every choice", () => {
    const response = {
      id: "chatcmpl-1",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Hello [PERSON_1], I wrote to email_1.",
            tool_calls: [
              { id: "c", type: "function", function: { name: "f", arguments: '{"to":"[ADDRESS_1]"}' } },
            ],
          },
          finish_reason: "stop",
        },
      ],
    };
    const out = restoreChatCompletion(response, vault());
    expect(out.choices[0]?.message.content).toBe("Hello Ada Lovelace, I wrote to ada@example.com.");
    expect(JSON.parse(out.choices[0]?.message.tool_calls[0]?.function.arguments ?? "")).toEqual({
      to: '12 "Quoted" Road\nLondon',
    });
  });

  it("returns the response as is when nothing was redacted", () => {
    const response = { choices: [{ index: 0, message: { content: "[PERSON_1]" } }] };
    expect(restoreChatCompletion(response, new PlaceholderVault())).toEqual(response);
  });
});

describe("ChatStreamRestorer", () => {
  it("restores a placeholder split across content deltas and flushes on finish_reason", () => {
    const restorer = new ChatStreamRestorer(vault());
    const chunk = (content: string, finish: string | null = null): Chunk => ({
      choices: [{ index: 0, delta: { content }, finish_reason: finish }],
    });
    expect(restorer.restoreChunk(chunk("Hi [PER")).choices[0]?.delta.content).toBe("Hi ");
    expect(restorer.restoreChunk(chunk("SON_1], bye person_1")).choices[0]?.delta.content).toBe(
      "Ada Lovelace, bye ",
    );
    expect(restorer.restoreChunk(chunk("", "stop")).choices[0]?.delta.content).toBe("Ada Lovelace");
  });

  it("equals whole-text restoration for any chunking of content and tool arguments (property)", () => {
    const v = vault();
    const piece = fc.constantFrom(
      "[PERSON_1]",
      "person 1",
      "[EMAIL_1]",
      "ADDRESS_1",
      "[",
      "_",
      "P",
      " ",
      "x",
      '"',
      "1",
      "é",
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 20 }).map((p) => p.join("")),
        fc.array(piece, { maxLength: 20 }).map((p) => `{"a":"${p.join("")}"}`),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        (content, args, contentCuts, argCuts, finish) => {
          const contentParts = split(content, contentCuts);
          const argParts = split(args, argCuts);
          const chunks: Chunk[] = [];
          // Interleave the two streams, as a provider may.
          for (let i = 0; i < Math.max(contentParts.length, argParts.length); i++) {
            const delta: Delta = {};
            if (i < contentParts.length) delta.content = contentParts[i] ?? "";
            if (i < argParts.length)
              delta.tool_calls = [{ index: 0, function: { arguments: argParts[i] ?? "" } }];
            chunks.push({ choices: [{ index: 0, delta, finish_reason: null }] });
          }
          if (finish) chunks.push({ choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] });
          const got = collect(new ChatStreamRestorer(v), chunks);
          expect(got.content).toBe(restorePlaceholders(content, v));
          expect(got.args).toBe(restorePlaceholders(args, v, { escape: "json" }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("restores one character per event", () => {
    const v = vault();
    const text = "Dear [PERSON_1], your mail EMAIL_1 and [ADDRESS_1] are noted. [Person 1]";
    const chunks: Chunk[] = [...text].map((c) => ({
      choices: [{ index: 0, delta: { content: c }, finish_reason: null }],
    }));
    expect(collect(new ChatStreamRestorer(v), chunks).content).toBe(restorePlaceholders(text, v));
  });

  it("keeps choices apart", () => {
    const restorer = new ChatStreamRestorer(vault());
    const out = restorer.restoreChunk({
      choices: [
        { index: 0, delta: { content: "[PERSON" }, finish_reason: null },
        { index: 1, delta: { content: "_1]" }, finish_reason: null },
      ],
    });
    expect(out.choices.map((c) => c.delta.content)).toEqual(["", "_1]"]);
  });

  it("passes chunks through untouched when nothing was redacted", () => {
    const chunk = { choices: [{ index: 0, delta: { content: "[PERSON_1" }, finish_reason: null }] };
    expect(new ChatStreamRestorer(new PlaceholderVault()).restoreChunk(structuredClone(chunk))).toEqual(
      chunk,
    );
  });
});
