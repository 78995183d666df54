import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { createKey, runCli, startMasque, tempDataDir } from "./support/masque-process.ts";
import { repoRoot } from "./support/shared-dir.ts";
import { writeProvidersFile } from "./support/stand-in-providers.ts";

describe("the SQLite store", () => {
  it("applies the committed migrations to a fresh file, in WAL mode", async () => {
    const dataDir = tempDataDir();
    await runCli(["keys", "list"], dataDir);
    const db = new Database(path.join(dataDir, "masque.sqlite"), { readonly: true });
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining(["accounts", "api_keys", "usage_counters", "__drizzle_migrations"]),
    );
    const applied = db.prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
    const journal = JSON.parse(
      fs.readFileSync(path.join(repoRoot, "server/drizzle/meta/_journal.json"), "utf8"),
    );
    expect(applied.n).toBe(journal.entries.length);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });
});

describe("pnpm masque keys", () => {
  it("creates a key (alone on the last line), lists it without the secret, and revokes it", async () => {
    const dataDir = tempDataDir();
    const { stdout } = await runCli(["keys", "create", "--tier", "pro", "--label", "laptop"], dataDir);
    const key = stdout.trim().split("\n").at(-1) ?? "";
    expect(key).toMatch(/^msq_[0-9A-Za-z]{40,}$/);

    const list = (await runCli(["keys", "list"], dataDir)).stdout;
    expect(list).toContain("laptop");
    expect(list).toContain("pro");
    expect(list).not.toContain(key);
    const id = /key_[0-9A-Za-z]+/.exec(list)?.[0] ?? "";

    // The store keeps a hash, never the key: no byte of the file set holds it.
    for (const file of fs.readdirSync(dataDir)) {
      expect(fs.readFileSync(path.join(dataDir, file)).includes(key)).toBe(false);
    }
    const db = new Database(path.join(dataDir, "masque.sqlite"), { readonly: true });
    const row = db.prepare("select key_hash from api_keys where id = ?").get(id) as { key_hash: string };
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.key_hash).not.toContain(key.slice(4, 20));
    db.close();

    const gateway = await startMasque({ dataDir });
    try {
      const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
      await expect(client.models.list()).resolves.toBeDefined();
      expect((await runCli(["keys", "revoke", id], dataDir)).stdout).toContain(`Revoked ${id}`);
      const err = await client.models.list().catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err.message).toMatch(/revoked/);
    } finally {
      await gateway.stop();
    }
    expect((await runCli(["keys", "list"], dataDir)).stdout).toContain("revoked");
  });

  it("refuses an unknown tier and an unknown key id with a clear message", async () => {
    const dataDir = tempDataDir();
    const badTier = await runCli(["keys", "create", "--tier", "platinum"], dataDir).catch((e) => e);
    expect(badTier.code).toBe(2);
    expect(badTier.stderr).toContain("--tier must be one of free, pro, pro_plus, max");
    const badRevoke = await runCli(["keys", "revoke", "key_nope"], dataDir).catch((e) => e);
    expect(badRevoke.code).toBe(1);
    expect(badRevoke.stderr).toContain("No active key with id key_nope");
  });

  it("works through the root `pnpm masque` script", async () => {
    const dataDir = tempDataDir();
    const key = await createKey(dataDir);
    expect(key).toMatch(/^msq_/);
    const { stdout } = await promisify(execFile)(
      "npx",
      ["-y", "pnpm@12.4.2", "--silent", "masque", "keys", "list"],
      {
        cwd: repoRoot,
        env: { ...process.env, MASQUE_DATA_DIR: dataDir },
      },
    );
    expect(stdout).toContain("free");
  });
});

describe("configuration", () => {
  it("a bad environment value stops start-up with a message naming the variable", async () => {
    const err = await startMasque({ env: { PORT: "not-a-port", MASQUE_UPSTREAM_TIMEOUT_MS: "-5" } }).catch(
      (e) => e,
    );
    expect(String(err)).toMatch(/PORT/);
    expect(String(err)).toMatch(/MASQUE_UPSTREAM_TIMEOUT_MS/);
  });

  it("a fallback to another privacy class is refused at start-up", async () => {
    const dataDir = tempDataDir();
    const file = path.join(dataDir, "providers.json");
    const pricing = { inputPerMTok: 0, outputPerMTok: 0 };
    fs.writeFileSync(
      file,
      JSON.stringify({
        providers: [
          { id: "enclave", kind: "openai", baseUrl: "http://127.0.0.1:1/v1", privacy: "tee" },
          { id: "frontier", kind: "openai", baseUrl: "http://127.0.0.1:1/v1", privacy: "anonymized" },
        ],
        models: [
          { id: "private", provider: "enclave", contextLength: 1000, pricing, fallbacks: ["public"] },
          { id: "public", provider: "frontier", contextLength: 1000, pricing },
        ],
      }),
    );
    const err = await startMasque({ dataDir, env: { MASQUE_PROVIDERS: file } }).catch((e) => e);
    expect(String(err)).toMatch(/models\[0\]\.fallbacks\[0\]: 'public' is anonymized, 'private' is tee/);
  });

  it("a providers file with a mistake stops start-up naming the field", async () => {
    const dataDir = tempDataDir();
    const file = writeProvidersFile(dataDir, {
      providers: [{ id: "x", kind: "openai", baseUrl: "http://127.0.0.1:1/v1", privacy: "secret" }],
      models: [],
    });
    const err = await startMasque({ dataDir, env: { MASQUE_PROVIDERS: file } }).catch((e) => e);
    expect(String(err)).toMatch(/providers\[0\]\.privacy/);
  });
});
