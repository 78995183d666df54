import { describe, expect, it } from "vitest";
import { readSse, type SseEvent, SseParser } from "./sse-parser.ts";

const wire = [
  ": keep-alive comment\n",
  'data: {"a":1}\n\n',
  "event: ping\r\ndata: first line\r\ndata:second line\r\n\r\n",
  "id: 7\rdata: cr only\r\r",
  "data: [DONE]\n\n",
].join("");

const expected: SseEvent[] = [
  { event: "message", data: '{"a":1}' },
  { event: "ping", data: "first line\nsecond line" },
  { event: "message", data: "cr only", id: "7" },
  { event: "message", data: "[DONE]", id: "7" },
];

function parseInChunks(text: string, cuts: number[]): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...parser.push(text.slice(at, cut)));
    at = cut;
  }
  return out;
}

describe("SseParser", () => {
  it("parses comments, named events, multi-line data, CRLF, CR and ids", () => {
    expect(parseInChunks(wire, [])).toEqual(expected);
  });

  it("gives the same events for every split of the stream into two chunks", () => {
    for (let cut = 0; cut <= wire.length; cut++) expect(parseInChunks(wire, [cut])).toEqual(expected);
  });

  it("gives the same events when fed one character at a time", () => {
    expect(
      parseInChunks(
        wire,
        [...wire].map((_, i) => i),
      ),
    ).toEqual(expected);
  });

  it("drops a final event that never got its blank line", () => {
    const parser = new SseParser();
    expect(parser.push("data: cut off")).toEqual([]);
    parser.end();
    expect(parser.push("\n\n")).toEqual([]);
  });
});

describe("readSse", () => {
  it("decodes UTF-8 split across reads and yields one batch per read", async () => {
    const bytes = new TextEncoder().encode('data: {"t":"héllo 👋"}\n\ndata: [DONE]\n\n');
    const firstEnd = bytes.length - "data: [DONE]\n\n".length;
    // The 👋 is cut in half by the first read; the second read completes the first event.
    const reads = [bytes.slice(0, 19), bytes.slice(19, firstEnd), bytes.slice(firstEnd)];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const r of reads) controller.enqueue(r);
        controller.close();
      },
    });
    const batches: SseEvent[][] = [];
    for await (const batch of readSse(body)) batches.push(batch);
    expect(batches.flat().map((e) => e.data)).toEqual(['{"t":"héllo 👋"}', "[DONE]"]);
    expect(batches.length).toBe(2);
  });
});
