import { chatCompletionRequestSchema } from "@masque/shared";
import { describe, expect, it } from "vitest";
import { buildUpstreamBody, upstreamHeaders } from "./strip-identity.ts";

describe("buildUpstreamBody", () => {
  it("keeps the model's inputs and drops every field that could identify the caller", () => {
    const request = chatCompletionRequestSchema.parse({
      model: "ours",
      messages: [
        { role: "system", content: "sys", name: "name-canary" },
        {
          role: "user",
          name: "alice-canary",
          content: [
            { type: "text", text: "hi", extra: "part-canary" },
            {
              type: "image_url",
              image_url: { url: "data:image/png;base64,AA", detail: "low", tracking: "url-canary" },
            },
          ],
          user_id: "msg-canary",
        },
        {
          role: "assistant",
          content: "ok",
          tool_calls: [
            { id: "c1", type: "function", function: { name: "f", arguments: "{}" }, x: "tc-canary" },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "r" },
      ],
      temperature: 0.5,
      user: "user-canary",
      metadata: { a: "metadata-canary" },
      store: true,
      service_tier: "flex",
      masque_parameters: { redact_pii: false },
      safety_identifier: "sid-canary",
      prompt_cache_key: "cache-canary",
      stream: true,
    });
    const body = buildUpstreamBody(request, "theirs");
    expect(body).toEqual({
      model: "theirs",
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.5,
      messages: [
        { role: "system", content: "sys" },
        {
          role: "user",
          content: [
            { type: "text", text: "hi" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AA", detail: "low" } },
          ],
        },
        {
          role: "assistant",
          content: "ok",
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "r" },
      ],
    });
    expect(JSON.stringify(body)).not.toMatch(/canary/);
  });

  it("does not share objects with the client's request", () => {
    const request = chatCompletionRequestSchema.parse({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    const body = buildUpstreamBody(request, "m");
    expect(body.tools).toEqual(request.tools);
    expect(body.tools).not.toBe(request.tools);
  });
});

describe("upstreamHeaders", () => {
  it("carries only fixed headers and the pooled key", () => {
    expect(upstreamHeaders({ authorization: "Bearer sk-pool" })).toEqual({
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "user-agent": "masque-gateway",
      authorization: "Bearer sk-pool",
    });
    expect(Object.keys(upstreamHeaders({}))).toEqual(["content-type", "accept", "user-agent"]);
  });
});
