import { Readable } from "node:stream";
import { UpstreamTimeoutError } from "@masque/shared";
import { describe, expect, it } from "vitest";
import { readEventsWithIdleTimeout } from "./post-to-provider.ts";

describe("a provider stream that stalls", () => {
  // Found by the fault tests: the 504 never came, because ending the reader waited
  // for the stalled read, so the client hung as long as the provider did.
  it("fails with 504 after the idle time and closes the body", async () => {
    const body = new Readable({ read() {} });
    body.push('data: {"choices":[]}\n\n');
    // …and nothing more, ever.
    const seen: string[] = [];
    const read = (async () => {
      for await (const data of readEventsWithIdleTimeout(body, 100)) seen.push(data);
    })();
    await expect(read).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect(seen).toEqual(['{"choices":[]}']);
    expect(body.destroyed).toBe(true);
  });

  it("closes the body when the reader stops early, too", async () => {
    const body = new Readable({
      read() {
        this.push("data: x\n\n");
      },
    });
    for await (const _ of readEventsWithIdleTimeout(body, 1000)) break;
    expect(body.destroyed).toBe(true);
  });

  it("does not count the reader's own time between events", async () => {
    const body = Readable.from(["data: a\n\n", "data: b\n\n"].map((s) => Buffer.from(s)));
    const seen: string[] = [];
    for await (const data of readEventsWithIdleTimeout(body, 50)) {
      seen.push(data);
      await new Promise((r) => setTimeout(r, 120));
    }
    expect(seen).toEqual(["a", "b"]);
  });

  it("hands every byte to onChunk, as received", async () => {
    const parts = ["data: é", "\r", "\n\r\ndata: [DONE]\n\n"].map((s) => Buffer.from(s));
    const received: Buffer[] = [];
    const seen: string[] = [];
    for await (const data of readEventsWithIdleTimeout(Readable.from(parts), 1000, (c) => received.push(c)))
      seen.push(data);
    expect(seen).toEqual(["é", "[DONE]"]);
    expect(Buffer.concat(received)).toEqual(Buffer.concat(parts));
  });
});
