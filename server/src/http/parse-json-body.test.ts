import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "./parse-json-body.ts";
import { testApp } from "./test-app.ts";

const { app, key } = testApp();
const post = (body: string) =>
  app.request("/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
  });
const withSchema = (schema: string) =>
  `{"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${schema}}}}`;
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("JSON bodies", () => {
  // Found by the fuzz run: validating a 50,000-deep value overflowed the stack (500).
  it("400 for a body nested deeper than the limit, instead of overflowing the stack", async () => {
    const res = await post(withSchema(nested(50_000)));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        message: `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`,
        type: "invalid_request_error",
        code: "invalid_json",
        param: null,
      },
    });
  });

  it("takes nesting up to the limit (the request goes on to the provider)", async () => {
    const res = await post(withSchema(nested(MAX_JSON_DEPTH - 5)));
    // Past validation: the test provider is unreachable.
    expect(res.status).toBe(503);
  });

  it("counts depth outside strings only", () => {
    expect(nestsDeeperThan(JSON.stringify({ a: "[[[[[[[[[[" }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ a: '\\"[[[[' }), 2)).toBe(false);
    expect(nestsDeeperThan("[[[]]]", 2)).toBe(true);
    expect(nestsDeeperThan("[[],[],[[]]]", 3)).toBe(false);
  });
});
