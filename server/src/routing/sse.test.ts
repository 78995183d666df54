import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readSseData } from "./sse.ts";

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

async function collect(parts: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const data of readSseData(streamOf(parts))) out.push(data);
  return out;
}

describe("readSseData", () => {
  it("yields each event's data, skipping comments and other fields", async () => {
    const text =
      ': keep-alive\n\nevent: message\ndata: {"a":1}\n\nid: 7\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    expect(await collect([text])).toEqual(['{"a":1}', "line1\nline2", "[DONE]"]);
  });

  it("accepts CRLF and CR line endings and a last event without a blank line", async () => {
    expect(await collect(["data: a\r\n\r\ndata: b\r\rdata: c"])).toEqual(["a", "b", "c"]);
  });

  it("gives the same events for any split of the bytes", async () => {
    const text = 'data: {"x":"é€😀"}\r\n\r\ndata: two\n\n: c\n\ndata:three\n\n';
    const bytes = new TextEncoder().encode(text);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const pieces: Uint8Array[] = [];
          let last = 0;
          for (const p of [...points, bytes.length]) {
            pieces.push(bytes.slice(last, p));
            last = p;
          }
          const stream = new ReadableStream<Uint8Array>({
            start(c) {
              for (const piece of pieces) c.enqueue(piece);
              c.close();
            },
          });
          const out: string[] = [];
          for await (const d of readSseData(stream)) out.push(d);
          expect(out).toEqual(['{"x":"é€😀"}', "two", "three"]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
