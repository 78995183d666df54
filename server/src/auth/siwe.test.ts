import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { openDatabase } from "../db/open-database.ts";
import { RateLimiter } from "../limits/rate-limiter.ts";
import { createLogger } from "../logging/logger.ts";
import { ModelCatalog } from "../routing/model-catalog.ts";

const silent = createLogger("silent", new Writable({ write: (_c, _e, cb) => cb() }));
const wallet = privateKeyToAccount("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
const origin = "https://masque.example";

function setup() {
  const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-siwe-")));
  const app = createApp({
    db,
    catalog: new ModelCatalog({ providers: [], models: [] }, { logger: silent }),
    rateLimiter: new RateLimiter(),
    logger: silent,
    upstreamTimeoutMs: 1000,
    maxBodyBytes: 1 << 16,
    siwe: { publicUrl: origin, chainId: 31337 },
  });
  const post = (p: string, body: unknown, cookie?: string) =>
    app.request(`${origin}${p}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const nonce = async () =>
    ((await (await post("/api/auth/siwe/nonce", {})).json()) as { nonce: string }).nonce;
  const signIn = async (
    fields: Partial<Parameters<typeof createSiweMessage>[0]> = {},
    extra: { link?: boolean; cookie?: string } = {},
  ) => {
    const message = createSiweMessage({
      address: wallet.address,
      chainId: 31337,
      domain: "masque.example",
      nonce: await nonce(),
      uri: `${origin}/`,
      version: "1",
      expirationTime: new Date(Date.now() + 60_000),
      ...fields,
    });
    const signature = await wallet.signMessage({ message });
    return {
      message,
      signature,
      res: await post("/api/auth/siwe/verify", { message, signature, link: extra.link }, extra.cookie),
    };
  };
  return { db, app, post, signIn };
}

type Body = { account: { id: string; wallet_address: string }; error: { code: string; message: string } };

describe("Sign-In with Ethereum", () => {
  it("signs a wallet in with a session cookie, to the same account each time", async () => {
    const { signIn } = setup();
    const first = await signIn();
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("set-cookie")).toMatch(/masque_session=.*HttpOnly.*SameSite=Strict/i);
    expect(first.res.headers.get("set-cookie")).toMatch(/Secure/);
    const a = (await first.res.json()) as Body;
    expect(a.account.wallet_address).toBe(wallet.address.toLowerCase());
    const b = (await (await signIn()).res.json()) as Body;
    expect(b.account.id).toBe(a.account.id);
  });

  it("refuses a replayed message", async () => {
    const { signIn, post } = setup();
    const { message, signature } = await signIn();
    const replay = await post("/api/auth/siwe/verify", { message, signature });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as Body).error.message).toMatch(
      /nonce is unknown, expired or already used/,
    );
  });

  it.each([
    [{ domain: "evil.example" }, /is for evil\.example, not masque\.example/],
    [{ chainId: 1 }, /chain 1, not 31337/],
    [{ expirationTime: new Date(Date.now() - 1000) }, /expired/],
    [{ nonce: "abcdefgh12345678" }, /nonce is unknown/],
    [{ uri: "https://evil.example/" }, /URI is not this site/],
  ])("refuses %j", async (fields, reason) => {
    const { signIn } = setup();
    const { res } = await signIn(fields);
    expect(res.status).toBe(401);
    const body = (await res.json()) as Body;
    expect(body.error.code).toBe("siwe_invalid");
    expect(body.error.message).toMatch(reason);
  });

  it("refuses a signature by another key", async () => {
    const { post } = setup();
    const nonce = ((await (await post("/api/auth/siwe/nonce", {})).json()) as { nonce: string }).nonce;
    const message = createSiweMessage({
      address: wallet.address,
      chainId: 31337,
      domain: "masque.example",
      nonce,
      uri: `${origin}/`,
      version: "1",
    });
    const impostor = privateKeyToAccount(
      "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    );
    const res = await post("/api/auth/siwe/verify", {
      message,
      signature: await impostor.signMessage({ message }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as Body).error.message).toMatch(/signature is not this address's/);
  });

  it("links the wallet to the anonymous account when asked", async () => {
    const { post, signIn } = setup();
    const anon = await post("/api/auth/anonymous", { deviceSecret: "an0nym0us-d3vice-s3cret-0123456789" });
    const anonId = ((await anon.json()) as Body).account.id;
    const cookie = (anon.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const linked = (await (await signIn({}, { link: true, cookie })).res.json()) as Body;
    expect(linked.account.id).toBe(anonId);
    expect(linked.account.wallet_address).toBe(wallet.address.toLowerCase());
  });
});
