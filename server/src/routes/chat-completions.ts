import { chatCompletionRequestSchema } from "@masque/shared";
import { Hono } from "hono";
import type { RequestIdVariables } from "hono/request-id";
import type { AuthVariables } from "../auth/authenticate.ts";
import { type ChatDeps, runChatCompletion } from "../chat/chat-completion.ts";
import { parseJsonBody } from "../http/parse-json-body.ts";

/** `POST /v1/chat/completions`, OpenAI-compatible, JSON or SSE. */
export function chatCompletionsRoute(deps: ChatDeps) {
  return new Hono<{ Variables: AuthVariables & RequestIdVariables }>().post("/", async (c) => {
    const request = await parseJsonBody(c, chatCompletionRequestSchema);
    const result = await runChatCompletion(
      { request, principal: c.get("principal"), signal: c.req.raw.signal, requestId: c.get("requestId") },
      deps,
    );
    for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
    if (!result.stream) return c.json(result.body);
    return new Response(result.body, {
      headers: {
        ...Object.fromEntries(c.res.headers),
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  });
}
