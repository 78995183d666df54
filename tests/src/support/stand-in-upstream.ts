import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the stand-in saw of one request: everything a provider could log. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: Record<string, unknown>;
  /** Set when the caller closed the connection before the answer finished. */
  closedEarly: boolean;
}

/**
 * A local stand-in for an OpenAI-compatible provider (JSON and SSE), recording
 * what it receives. Behaviour is chosen by the upstream model id:
 * - `echo`: answers "echo: <last user text>", with usage; streams it in small chunks.
 * - `no-usage`: same, never reports usage.
 * - `tool`: calls the first tool offered, arguments streamed in pieces.
 * - `slow`: streams one token every 50 ms for a minute (for client aborts).
 * - `status-500`, `status-400`, `status-401`: fail with that status.
 * - `hang`: never answers.
 * - `delay`: answers like `echo`, after 3 s.
 * - `malformed`: a stream whose second event is not JSON.
 * - `reset`: a stream cut off without `[DONE]` mid-way (socket destroyed).
 * `POST /v1/messages` speaks Anthropic's Messages API for `echo` and `tool`.
 */
export class StandInUpstream {
  readonly requests: RecordedRequest[] = [];
  private server: http.Server | undefined;
  private sockets = new Set<import("node:net").Socket>();

  get baseUrl(): string {
    if (!this.server) throw new Error("stand-in upstream not started");
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }

  /** Every byte the stand-in received (headers and bodies), for canary scans. */
  everythingReceived(): string {
    return this.requests
      .map((r) => `${r.method} ${r.path}\n${JSON.stringify(r.headers)}\n${r.rawBody}`)
      .join("\n");
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    let body: Record<string, unknown> = {};
    try {
      body = rawBody ? JSON.parse(rawBody) : {};
    } catch {
      // recorded raw
    }
    const record: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      rawBody,
      body,
      closedEarly: false,
    };
    this.requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished) record.closedEarly = true;
    });

    if (req.url === "/v1/models")
      return json(res, 200, { object: "list", data: [{ id: "echo", object: "model" }] });
    if (req.url === "/v1/messages" && req.method === "POST") return anthropicMessages(body, res);
    if (req.url !== "/v1/chat/completions" || req.method !== "POST")
      return json(res, 404, { error: { message: "no" } });

    const model = String(body.model);
    const stream = body.stream === true;
    const status = /^status-(\d{3})$/.exec(model);
    if (status) {
      return json(res, Number(status[1]), {
        error: {
          message: `stand-in failure; secret upstream detail sk-standin-secret`,
          type: "server_error",
        },
      });
    }
    if (model === "hang") return; // never answers
    if (model === "delay") await new Promise((r) => setTimeout(r, 3000));
    const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    const userText =
      typeof lastUser?.content === "string" ? lastUser.content : JSON.stringify(lastUser?.content ?? "");
    const reply = `echo: ${userText}`;
    const usage = { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 };
    const base = {
      id: "chatcmpl-upstream-id",
      created: 1_700_000_000,
      model,
      system_fingerprint: "fp_standin",
    };
    const tools = body.tools as Array<{ function: { name: string } }> | undefined;

    if (!stream) {
      const message =
        model === "tool" && tools?.[0]
          ? {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "call_1",
                  type: "function",
                  function: { name: tools[0].function.name, arguments: '{"city":"Paris"}' },
                },
              ],
            }
          : { role: "assistant", content: reply };
      return json(res, 200, {
        ...base,
        object: "chat.completion",
        choices: [
          { index: 0, message, finish_reason: model === "tool" ? "tool_calls" : "stop", logprobs: null },
        ],
        ...(model === "no-usage" ? {} : { usage }),
      });
    }

    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (data: unknown) =>
      res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
    const chunk = (delta: object, finish: string | null = null) =>
      send({
        ...base,
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    const wantsUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;

    if (model === "slow") {
      chunk({ role: "assistant", content: "" });
      for (let i = 0; i < 1200 && !res.destroyed; i++) {
        chunk({ content: `tok${i} ` });
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!res.destroyed) res.end("data: [DONE]\n\n");
      return;
    }
    if (model === "malformed") {
      chunk({ role: "assistant", content: "" });
      send("{not json");
      res.end();
      return;
    }
    if (model === "reset") {
      chunk({ role: "assistant", content: "partial" });
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (model === "tool" && tools?.[0]) {
      chunk({
        role: "assistant",
        content: null,
        tool_calls: [
          {
            index: 0,
            id: "call_1",
            type: "function",
            function: { name: tools[0].function.name, arguments: "" },
          },
        ],
      });
      for (const piece of ['{"ci', 'ty":', '"Par', 'is"}'])
        chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
      chunk({}, "tool_calls");
    } else {
      chunk({ role: "assistant", content: "" });
      for (let i = 0; i < reply.length; i += 4) chunk({ content: reply.slice(i, i + 4) });
      chunk({}, "stop");
    }
    if (wantsUsage && model !== "no-usage")
      send({ ...base, object: "chat.completion.chunk", choices: [], usage });
    res.end("data: [DONE]\n\n");
  }
}

/** Anthropic's Messages API, for `echo` and `tool`, JSON and SSE. */
function anthropicMessages(body: Record<string, unknown>, res: http.ServerResponse): void {
  const messages =
    (body.messages as Array<{ role: string; content: Array<{ type: string; text?: string }> }>) ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const text = `echo: ${(lastUser?.content ?? []).map((b) => b.text ?? "").join("")}`;
  const tools = body.tools as Array<{ name: string }> | undefined;
  const useTool = body.model === "tool" && tools?.[0];
  const usage = { input_tokens: 21, output_tokens: 9, cache_read_input_tokens: 4 };
  if (body.stream !== true) {
    json(res, 200, {
      id: "msg_standin",
      type: "message",
      role: "assistant",
      model: body.model,
      content: useTool
        ? [
            { type: "text", text: "Let me check." },
            { type: "tool_use", id: "toolu_1", name: tools[0]?.name, input: { city: "Paris" } },
          ]
        : [{ type: "text", text }],
      stop_reason: useTool ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage,
    });
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const send = (event: Record<string, unknown>) =>
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  send({
    type: "message_start",
    message: {
      id: "msg_standin",
      type: "message",
      role: "assistant",
      model: body.model,
      content: [],
      usage: { input_tokens: 21, output_tokens: 1, cache_read_input_tokens: 4 },
    },
  });
  send({ type: "ping" });
  send({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
  const reply = useTool ? "Let me check." : text;
  for (let i = 0; i < reply.length; i += 3)
    send({
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: reply.slice(i, i + 3) },
    });
  send({ type: "content_block_stop", index: 0 });
  if (useTool) {
    send({
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "toolu_1", name: tools[0]?.name, input: {} },
    });
    for (const piece of ['{"ci', 'ty": "Pa', 'ris"}'])
      send({
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: piece },
      });
    send({ type: "content_block_stop", index: 1 });
  }
  send({
    type: "message_delta",
    delta: { stop_reason: useTool ? "tool_use" : "end_turn", stop_sequence: null },
    usage: { output_tokens: 9 },
  });
  send({ type: "message_stop" });
  res.end();
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
