// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { apiFetch } from "./api-fetch.ts";

afterEach(() => vi.unstubAllGlobals());

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("apiFetch", () => {
  it("signs in anonymously with this device's secret when the session is missing, then retries once", async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
      calls.push([url, init]);
      if (url === "/api/auth/anonymous")
        return json(201, { account: { id: "acct_1", tier: "free" }, created: true });
      return calls.length === 1
        ? json(401, {
            error: { message: "no key", type: "authentication_error", code: "missing_api_key", param: null },
          })
        : json(200, { ok: true });
    });
    const res = await apiFetch("/v1/models");
    expect(await res.json()).toEqual({ ok: true });
    expect(calls.map(([url]) => url)).toEqual(["/v1/models", "/api/auth/anonymous", "/v1/models"]);
    const secret = JSON.parse(String(calls[1]?.[1]?.body)).deviceSecret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(localStorage.getItem("masque.deviceSecret")).toBe(secret);
  });

  it("does not retry other errors", async () => {
    const fetch = vi.fn(async () =>
      json(403, {
        error: { message: "paid model", type: "permission_error", code: "model_not_in_plan", param: "model" },
      }),
    );
    vi.stubGlobal("fetch", fetch);
    await expect(apiFetch("/v1/chat/completions", { method: "POST", body: "{}" })).rejects.toMatchObject({
      status: 403,
      code: "model_not_in_plan",
      param: "model",
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
