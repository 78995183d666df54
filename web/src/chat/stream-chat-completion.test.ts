import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../lib/api-error.ts";
import { streamChatCompletion } from "./stream-chat-completion.ts";

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function sseResponse(pieces: string[], headers: Record<string, string> = {}): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of pieces) controller.enqueue(encoder.encode(p));
        controller.close();
      },
    }),
    { status: 200, headers: { "content-type": "text/event-stream", ...headers } },
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("streamChatCompletion", () => {
  it("sends a streaming request with usage and hands over text, usage and headers", async () => {
    const fetch = vi.fn(async () =>
      sseResponse(
        [
          chunk({ role: "assistant", content: "" }),
          chunk({ content: "Hel" }) + chunk({ content: "lo" }),
          chunk({ reasoning_content: "thinking…" }),
          chunk({}, "stop"),
          `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, cost_usd: 0.000012 } })}\n\n`,
          "data: [DONE]\n\n",
        ],
        {
          "x-masque-privacy": "anonymized",
          "x-masque-redactions": '{"email":1}',
          "x-ratelimit-remaining-requests": "9",
          "x-ratelimit-limit-requests": "10",
          "x-masque-balance-usd": "4.20",
        },
      ),
    );
    vi.stubGlobal("fetch", fetch);
    const deltas: Array<{ content: string; reasoning: string }> = [];
    const result = await streamChatCompletion({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      maxTokens: 50,
      signal: new AbortController().signal,
      onDelta: (d) => deltas.push(d),
    });
    const body = JSON.parse(String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body));
    expect(body).toEqual({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 50,
    });
    // One callback per network read: "Hel" and "lo" arrived together.
    expect(deltas).toEqual([
      { content: "Hello", reasoning: "" },
      { content: "", reasoning: "thinking…" },
    ]);
    expect(result).toEqual({
      meta: {
        privacy: "anonymized",
        redactions: { email: 1 },
        rateLimit: { remainingRequests: 9, limitRequests: 10, remainingTokens: undefined },
        billing: { "x-masque-balance-usd": "4.20" },
      },
      usage: { promptTokens: 9, completionTokens: 2, costUsd: 0.000012 },
      finishReason: "stop",
    });
  });

  it("keeps the answer's id, by which a TEE answer's signature is looked up", async () => {
    const withId = (content: string) =>
      `data: ${JSON.stringify({ id: "chatcmpl-abc", choices: [{ index: 0, delta: { content } }] })}\n\n`;
    vi.stubGlobal("fetch", async () =>
      sseResponse([withId("a"), withId("b"), "data: [DONE]\n\n"], { "x-masque-privacy": "tee-verified" }),
    );
    const result = await streamChatCompletion({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      signal: new AbortController().signal,
      onDelta: () => {},
    });
    expect(result.meta).toEqual({ privacy: "tee-verified", completionId: "chatcmpl-abc" });
  });

  it("rejects with the gateway's error when it arrives mid-stream, keeping what came before", async () => {
    vi.stubGlobal("fetch", async () =>
      sseResponse([
        chunk({ content: "partial" }),
        `data: ${JSON.stringify({ error: { message: "The stream broke off.", type: "api_error", code: "upstream_error", param: null } })}\n\n`,
      ]),
    );
    const deltas: string[] = [];
    const run = streamChatCompletion({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      signal: new AbortController().signal,
      onDelta: (d) => deltas.push(d.content),
    });
    await expect(run).rejects.toMatchObject({
      name: "ApiError",
      code: "upstream_error",
      message: "The stream broke off.",
    });
    expect(deltas).toEqual(["partial"]);
  });

  it("turns an HTTP error into an ApiError with its code and retry-after", async () => {
    vi.stubGlobal(
      "fetch",
      async () =>
        new Response(
          JSON.stringify({
            error: {
              message: "Rate limit reached.",
              type: "rate_limit_error",
              code: "rate_limit_exceeded",
              param: null,
            },
          }),
          { status: 429, headers: { "retry-after": "12", "content-type": "application/json" } },
        ),
    );
    const error = await streamChatCompletion({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      signal: new AbortController().signal,
      onDelta: () => {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: "rate_limit_exceeded", retryAfter: 12 });
  });

  it("says so when the stream ends without [DONE]", async () => {
    vi.stubGlobal("fetch", async () => sseResponse([chunk({ content: "cut" })]));
    await expect(
      streamChatCompletion({
        model: "m",
        messages: [{ role: "user", content: "hi" }],
        signal: new AbortController().signal,
        onDelta: () => {},
      }),
    ).rejects.toMatchObject({ code: "stream_truncated" });
  });
});
