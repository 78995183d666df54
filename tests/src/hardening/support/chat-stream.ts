/** What a client saw of one streamed chat completion. */
export interface StreamOutcome {
  status: number;
  headers: Headers;
  /** The content deltas, joined. */
  text: string;
  /** Every `data:` event parsed as JSON (all but `[DONE]`). */
  events: Array<Record<string, unknown>>;
  /** The stream ended with `data: [DONE]`. */
  done: boolean;
  /** An `{"error":…}` event, or the JSON error body of a non-200 answer. */
  error?: { message: string; type: string; code: string | null; param: string | null };
  usage?: Record<string, number>;
}

export interface ChatRequestOptions {
  signal?: AbortSignal;
  /** Called with each content delta as it arrives. */
  onDelta?: (text: string) => void;
}

/** Sends a streaming chat completion with fetch and reads the whole SSE answer. */
export async function streamChat(
  baseUrl: string,
  key: string,
  body: Record<string, unknown>,
  options: ChatRequestOptions = {},
): Promise<StreamOutcome> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ stream: true, ...body }),
    signal: options.signal,
  });
  const outcome: StreamOutcome = {
    status: res.status,
    headers: res.headers,
    text: "",
    events: [],
    done: false,
  };
  if (res.status !== 200) {
    outcome.error = ((await res.json()) as { error: StreamOutcome["error"] }).error;
    return outcome;
  }
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    buffer += decoder.decode(value, { stream: !done });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      if (!event.startsWith("data: ")) throw new Error(`not an SSE data event: ${event.slice(0, 100)}`);
      const data = event.slice(6);
      if (data === "[DONE]") {
        outcome.done = true;
        continue;
      }
      const parsed = JSON.parse(data) as Record<string, unknown>;
      outcome.events.push(parsed);
      if (parsed.error) outcome.error = parsed.error as StreamOutcome["error"];
      if (parsed.usage) outcome.usage = parsed.usage as Record<string, number>;
      for (const choice of (parsed.choices as Array<{ delta?: { content?: string } }>) ?? []) {
        const delta = choice.delta?.content;
        if (typeof delta === "string") {
          outcome.text += delta;
          options.onDelta?.(delta);
        }
      }
    }
    if (done) break;
  }
  if (buffer.trim() !== "") throw new Error(`stream ended mid-event: ${buffer.slice(0, 100)}`);
  return outcome;
}

/** The documented error shape, exactly: `{"error":{"message","type","code","param"}}`. */
export function isOpenAIError(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== "error") return false;
  const error = (value as { error: unknown }).error;
  if (typeof error !== "object" || error === null) return false;
  const e = error as Record<string, unknown>;
  return (
    Object.keys(e).sort().join(",") === "code,message,param,type" &&
    typeof e.message === "string" &&
    e.message.length > 0 &&
    typeof e.type === "string" &&
    (typeof e.code === "string" || e.code === null) &&
    (typeof e.param === "string" || e.param === null)
  );
}
