import { afterEach, describe, expect, it, vi } from "vitest";
import { resumeSession } from "./session.ts";

describe("resumeSession", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("keeps the session the cookie holds, without signing in again", async () => {
    const calls: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => {
      calls.push(url);
      return new Response(JSON.stringify({ account: { id: "acct_1", tier: "pro" } }), { status: 200 });
    });
    expect(await resumeSession()).toEqual({ accountId: "acct_1", tier: "pro", created: false });
    expect(calls).toEqual(["/api/auth/session"]);
  });

  it("signs in anonymously when there is no session", async () => {
    const calls: string[] = [];
    vi.stubGlobal("localStorage", { getItem: () => "d3vice-s3cret-0123456789abcdef", setItem: () => {} });
    vi.stubGlobal("fetch", async (url: string) => {
      calls.push(url);
      return url === "/api/auth/session"
        ? new Response(JSON.stringify({ account: null }), { status: 200 })
        : new Response(JSON.stringify({ account: { id: "acct_2", tier: "free" }, created: true }), {
            status: 201,
          });
    });
    expect(await resumeSession()).toEqual({ accountId: "acct_2", tier: "free", created: true });
    expect(calls).toEqual(["/api/auth/session", "/api/auth/anonymous"]);
  });
});
