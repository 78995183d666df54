import { UpstreamTimeoutError } from "@masque/shared";
import { describe, expect, it } from "vitest";
import { readEventsWithIdleTimeout } from "./post-to-provider.ts";

describe("a provider stream that stalls", () => {
  // Found by the fault tests: the 504 never came, because ending the reader waited
  // for the stalled read, so the client hung as long as the provider did.
  it("fails with 504 after the idle time and cancels the body", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: {"choices":[]}\n\n'));
        // …and nothing more, ever.
      },
      cancel() {
        cancelled = true;
      },
    });
    const seen: string[] = [];
    const read = (async () => {
      for await (const data of readEventsWithIdleTimeout(body, 100)) seen.push(data);
    })();
    await expect(read).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect(seen).toEqual(['{"choices":[]}']);
    expect(cancelled).toBe(true);
  });

  it("cancels the body when the reader stops early, too", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: x\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of readEventsWithIdleTimeout(body, 1000)) break;
    expect(cancelled).toBe(true);
  });
});
