/**
 * Server-sent events as OpenAI streams them: `data: <json>` events separated
 * by blank lines, ending with `data: [DONE]`.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function* readSseData(
  body: ReadableStream<Uint8Array>,
  /** Cancels the body, ending a read that is waiting for the provider. */
  cancel?: AbortSignal,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  const reader = body.getReader();
  const onCancel = () => void reader.cancel().catch(() => {});
  cancel?.addEventListener("abort", onCancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline = buffer.search(/\r\n|\r|\n/);
      while (newline !== -1) {
        // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
        if (!done && newline === buffer.length - 1 && buffer[newline] === "\r") break;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        if (line === "") {
          if (data.length > 0) yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        }
        // Comments (`:`), `event:`, `id:` and `retry:` lines carry nothing we use.
        newline = buffer.search(/\r\n|\r|\n/);
      }
      if (done) break;
    }
    if (buffer.startsWith("data:")) data.push(buffer.slice(buffer.startsWith("data: ") ? 6 : 5));
    if (data.length > 0) yield data.join("\n");
  } finally {
    cancel?.removeEventListener("abort", onCancel);
    reader.releaseLock();
  }
}

/** Encodes one SSE data event. */
export function sseEvent(data: string): string {
  return `data: ${data}\n\n`;
}
