/**
 * Server-sent events as OpenAI streams them: `data: <json>` events separated
 * by blank lines, ending with `data: [DONE]`.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  /** The start of a line whose end has not arrived yet. */
  let partial = "";
  /** The data lines of the event being read, joined; undefined before the first. */
  let data: string | undefined;
  /** The last chunk ended in CR: an LF starting the next one belongs to it (CRLF split across chunks). */
  let afterCr = false;
  for await (const chunk of body) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length === 0) continue;
    let pos = afterCr && text.charCodeAt(0) === LF ? 1 : 0;
    afterCr = false;
    let cr = text.indexOf("\r", pos);
    let lf = text.indexOf("\n", pos);
    for (;;) {
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      const line = partial + text.slice(pos, end);
      partial = "";
      pos = end + 1;
      if (end === cr) {
        if (pos === text.length) afterCr = true;
        else if (text.charCodeAt(pos) === LF) pos += 1;
      }
      if (line === "") {
        if (data !== undefined) yield data;
        data = undefined;
      } else if (line.startsWith("data:")) {
        const value = line.slice(line.startsWith("data: ") ? 6 : 5);
        data = data === undefined ? value : `${data}\n${value}`;
      }
      // Comments (`:`), `event:`, `id:` and `retry:` lines carry nothing we use.
    }
    partial += text.slice(pos);
  }
  partial += decoder.decode();
  // A last event without its blank line still counts.
  if (partial.startsWith("data:")) {
    const value = partial.slice(partial.startsWith("data: ") ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data !== undefined) yield data;
}

const LF = 10;

/** Encodes one SSE data event. */
export function sseEvent(data: string): string {
  return `data: ${data}\n\n`;
}
