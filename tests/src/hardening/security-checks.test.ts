import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDataDir } from "../support/masque-process.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { isOpenAIError, streamChat } from "./support/chat-stream.ts";
import { type HardeningGateway, startHardeningGateway } from "./support/gateway.ts";
import { ScriptedUpstream } from "./support/scripted-upstream.ts";

// Targeted checks from issue #9's hostile-input list, against a real gateway:
// keys never logged or echoed, secrets compared in constant time, CORS only for
// the app's origin, security headers on the app and the API, sign-ins rate
// limited per address, and the body and header size limits.

const APP_ORIGIN = "http://masque.test:8080";
let upstream: ScriptedUpstream;
let gateway: HardeningGateway;

beforeAll(async () => {
  upstream = await new ScriptedUpstream().start();
  const dataDir = tempDataDir("masque-security-");
  const webDir = path.join(dataDir, "web");
  fs.mkdirSync(path.join(webDir, "assets"), { recursive: true });
  fs.writeFileSync(path.join(webDir, "index.html"), "<!doctype html><title>Masque</title>");
  fs.writeFileSync(path.join(webDir, "assets", "app.js"), "console.log(1)");
  gateway = await startHardeningGateway(upstream.baseUrl, [{ id: "echo", upstreamId: "echo" }], {
    dataDir,
    env: {
      MASQUE_LOG_LEVEL: "trace",
      MASQUE_WEB_DIR: webDir,
      MASQUE_PUBLIC_URL: APP_ORIGIN,
      MASQUE_MAX_BODY_BYTES: "65536",
    },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

const url = (p: string) => `${gateway.url}${p}`;

/** Everything a client could see of a response: status line, headers and body. */
async function seen(res: Response): Promise<string> {
  return `${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${await res.text()}`;
}

/** Sends raw bytes and returns everything the server answered before closing. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gateway.port, "127.0.0.1", () => socket.write(bytes));
    let answer = "";
    socket.on("data", (d) => (answer += d));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("keys are never logged or echoed", () => {
  it("not in any log line, error or header, whatever path a key takes", async () => {
    const [key = "", toRevoke = ""] = await gateway.keys(2);
    // A key that looks real but is not, and one revoked.
    const unknown = `msq_${"Z".repeat(43)}`;
    const revokedId = (
      (await (
        await fetch(url("/api/keys"), { headers: { authorization: `Bearer ${gateway.adminKey}` } })
      ).json()) as {
        data: Array<{ id: string }>;
      }
    ).data[0]?.id;
    await fetch(url(`/api/keys/${revokedId}`), {
      method: "DELETE",
      headers: { authorization: `Bearer ${gateway.adminKey}` },
    });
    const secrets = [key, toRevoke, unknown, gateway.adminKey];
    const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
    const json = { "content-type": "application/json" };
    const body = JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hi" }] });
    const visible: string[] = [];
    const see = async (p: Promise<Response>) => visible.push(await seen(await p));

    for (const k of [key, toRevoke, unknown]) {
      await see(fetch(url("/v1/models"), { headers: bearer(k) }));
      await see(
        fetch(url("/v1/chat/completions"), { method: "POST", headers: { ...bearer(k), ...json }, body }),
      );
      await see(
        fetch(url("/v1/chat/completions"), {
          method: "POST",
          headers: { ...bearer(k), "content-type": "text/plain" },
          body,
        }),
      );
      await see(
        fetch(url("/v1/chat/completions"), {
          method: "POST",
          headers: { ...bearer(k), ...json },
          body: "{oops",
        }),
      );
      await see(fetch(url("/api/account"), { headers: bearer(k) }));
      await see(fetch(url("/api/keys"), { headers: bearer(k) }));
      await see(fetch(url(`/v1/models?api_key=${k}`)));
      await see(fetch(url(`/v1/nowhere/${k}`), { headers: bearer(k) }));
      await see(fetch(url("/v1/models"), { headers: { authorization: `Bearer ${k} trailing` } }));
      await see(fetch(url("/v1/models"), { headers: { authorization: k } }));
      await see(fetch(url("/v1/models"), { headers: { "x-api-key": k, cookie: `masque_session=${k}` } }));
      await see(
        fetch(url("/v1/chat/completions"), {
          method: "POST",
          headers: { ...bearer(k), ...json },
          body: JSON.stringify({ model: k, messages: [{ role: "user", content: "hi" }], user: k }),
        }),
      );
      const stream = await streamChat(gateway.url, k, {
        model: "echo",
        messages: [{ role: "user", content: "hi" }],
      });
      visible.push(JSON.stringify(stream.events), JSON.stringify(stream.error ?? ""));
      // Too large for the parser: its 431 quotes nothing.
      visible.push(
        await raw(
          `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${k}\r\nX-Pad: ${"p".repeat(20_000)}\r\n\r\n`,
        ),
      );
    }

    const logs = gateway.output();
    expect(logs).toMatch(/"msg":"request"/); // the access log did run, at trace level
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      // The model field echoes what the client sent (OpenAI does too); nothing else may.
      const leaks = visible.filter(
        (v) => v.includes(secret) && !v.includes(`The model '${secret}' does not exist`),
      );
      expect(leaks).toEqual([]);
      expect(logs).not.toContain(secret.slice(4, 24));
    }
  });

  it("the key list shows a prefix only; a new key's secret appears once, in its creation answer", async () => {
    const res = await fetch(url("/api/keys"), {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ label: "shown once" }),
    });
    const created = (await res.json()) as { key: string; key_prefix: string };
    expect(created.key).toMatch(/^msq_[0-9A-Za-z]{43}$/);
    const list = await (
      await fetch(url("/api/keys"), { headers: { authorization: `Bearer ${gateway.adminKey}` } })
    ).text();
    expect(list).toContain(created.key_prefix);
    expect(list).not.toContain(created.key.slice(12));
    const { stdout } = await runCli(["keys", "list"], gateway.dataDir);
    expect(stdout).not.toContain(created.key.slice(12));
    expect(gateway.output()).not.toContain(created.key.slice(12));
  });
});

describe("secrets are compared in constant time", () => {
  const serverSrc = path.join(repoRoot, "server", "src");
  const sources = (fs.readdirSync(serverSrc, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => ({ file: f, text: fs.readFileSync(path.join(serverSrc, f), "utf8") }));

  it("keys and sessions are found by the SHA-256 of the secret, the stored hash checked with timingSafeEqual", () => {
    const keys = sources.find((s) => s.file.endsWith(path.join("auth", "api-keys.ts")))?.text ?? "";
    expect(keys).toMatch(/const hash = hashApiKey\(presented\)/);
    expect(keys).toMatch(
      /timingSafeEqual\(Buffer\.from\(row\.keyHash, "hex"\), Buffer\.from\(hash, "hex"\)\)/,
    );
    const sessions = sources.find((s) => s.file.endsWith(path.join("auth", "sessions.ts")))?.text ?? "";
    expect(sessions).toMatch(/sha256\(token\)/);
    // Stripe's signature check (constructEvent) compares with its own secureCompare (timingSafeEqual).
    const billing = sources.find((s) => s.file.endsWith(path.join("routes", "billing.ts")))?.text ?? "";
    expect(billing).toMatch(/webhooks\.constructEvent\(/);
  });

  it("no secret is ever compared with === or !== anywhere in the server", () => {
    const secretish = /secret|password|apikey|presented|bearer|credential|token(?!s|izer)/i;
    const offenders = sources.flatMap(({ file, text }) =>
      text.split("\n").flatMap((line) =>
        [...line.matchAll(/([\w.?]+)\s*[!=]==\s*([\w.?]+)/g)]
          .filter((m) => secretish.test(m[1] ?? "") || secretish.test(m[2] ?? ""))
          .filter((m) => !/\.length$/.test(m[1] ?? "") && !/^(undefined|null)$/.test(m[2] ?? ""))
          .map(() => `${file}: ${line.trim()}`),
      ),
    );
    expect(offenders).toEqual([]);
  });
});

describe("CORS", () => {
  it("the app's origin may call with credentials; any other origin gets nothing", async () => {
    const preflight = (origin: string) =>
      fetch(url("/api/keys"), {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
    const ok = await preflight(APP_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(ok.headers.get("access-control-allow-credentials")).toBe("true");
    const evil = await preflight("https://evil.example");
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(isOpenAIError(await evil.json())).toBe(true);

    // A cookie-authenticated read from another origin carries no CORS header, so a browser hides it.
    const anon = await fetch(url("/api/auth/anonymous"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ deviceSecret: "s3cure-dev1ce-secret-0123456789" }),
    });
    const cookie = (anon.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(anon.headers.get("set-cookie")).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/i);
    const read = await fetch(url("/api/account"), { headers: { cookie, origin: "https://evil.example" } });
    expect(read.headers.get("access-control-allow-origin")).toBeNull();
    const mine = await fetch(url("/api/account"), { headers: { cookie, origin: APP_ORIGIN } });
    expect(mine.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);

    // A cross-site "simple" request (a form, or fetch without preflight) cannot send JSON: no write happens.
    const forged = await fetch(url("/api/keys"), {
      method: "POST",
      headers: { cookie, origin: "https://evil.example", "content-type": "text/plain" },
      body: JSON.stringify({ label: "forged" }),
    });
    expect(forged.status).toBe(400);
    const keys = (await (await fetch(url("/api/keys"), { headers: { cookie } })).json()) as {
      data: unknown[];
    };
    expect(keys.data).toEqual([]);
  });
});

describe("security headers", () => {
  const common = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin-allow-popups",
    "cross-origin-resource-policy": "same-origin",
  };

  it("the web app: a strict Content-Security-Policy and the rest, no HSTS over http", async () => {
    for (const p of ["/", "/assets/app.js", "/chat/deep-link"]) {
      const res = await fetch(url(p));
      expect(res.status).toBe(200);
      for (const [name, value] of Object.entries(common)) expect(res.headers.get(name)).toBe(value);
      const csp = res.headers.get("content-security-policy") ?? "";
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ])
        expect(csp).toContain(directive);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      expect(res.headers.get("permissions-policy")).toMatch(/camera=\(\).*microphone=\(\)/);
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("API answers, errors and streams carry them too, with a CSP that allows nothing", async () => {
    const [key = ""] = await gateway.keys(1);
    const responses = [
      await fetch(url("/health")),
      await fetch(url("/v1/models"), { headers: { authorization: `Bearer ${key}` } }),
      await fetch(url("/v1/models")),
      await fetch(url("/api/plans")),
      await fetch(url("/v1/chat/completions"), {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hi" }], stream: true }),
      }),
    ];
    for (const res of responses) {
      for (const [name, value] of Object.entries(common)) expect(res.headers.get(name)).toBe(value);
      expect(res.headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      await res.body?.cancel();
    }
  });
});

describe("sign-ins are rate limited per address", () => {
  it("429 in OpenAI's shape once the minute's 60 are used, for anonymous accounts and SIWE nonces", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) {
      const res = await fetch(url("/api/auth/siwe/nonce"), { method: "POST" });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    // Earlier tests here signed in once already: the limit bites at or before the 61st.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(59);
    expect(statuses.at(-1)).toBe(429);
    const limited = await fetch(url("/api/auth/anonymous"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ deviceSecret: "an0ther-dev1ce-secret-0123456789" }),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(isOpenAIError(await limited.json())).toBe(true);
    // Keys are not limited by address: the API keeps answering.
    const [key = ""] = await gateway.keys(1);
    expect((await fetch(url("/v1/models"), { headers: { authorization: `Bearer ${key}` } })).status).toBe(
      200,
    );
  });
});

describe("size limits", () => {
  it("413 for a body over MASQUE_MAX_BODY_BYTES, with or without a Content-Length", async () => {
    const [key = ""] = await gateway.keys(1);
    const big = JSON.stringify({ model: "echo", messages: [{ role: "user", content: "x".repeat(70_000) }] });
    const sized = await fetch(url("/v1/chat/completions"), {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: big,
    });
    expect(sized.status).toBe(413);
    expect(await sized.json()).toMatchObject({ error: { code: "request_too_large" } });
    const chunked = await fetch(url("/v1/chat/completions"), {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(isOpenAIError(await chunked.json())).toBe(true);
  });

  it("431 for headers over 16 KB and 400 for what the parser refuses, in OpenAI's shape", async () => {
    const tooBig = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${"p".repeat(17_000)}\r\n\r\n`);
    expect(tooBig).toMatch(/^HTTP\/1\.1 431 /);
    expect(isOpenAIError(JSON.parse(tooBig.slice(tooBig.indexOf("\r\n\r\n") + 4)))).toBe(true);
    const longUrl = await raw(`GET /v1/models/${"m".repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longUrl).toMatch(/^HTTP\/1\.1 431 /);
    const badMethod = await raw("BREW /health HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(badMethod).toMatch(/^HTTP\/1\.1 400 /);
    expect(isOpenAIError(JSON.parse(badMethod.slice(badMethod.indexOf("\r\n\r\n") + 4)))).toBe(true);
    // The gateway is fine afterwards.
    expect((await fetch(url("/health"))).status).toBe(200);
  });
});
