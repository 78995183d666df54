import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createApiKey } from "../auth/api-keys.ts";
import { accountForDeviceSecret } from "../auth/sessions.ts";
import { databasePath, openDatabase } from "../db/open-database.ts";
import { grantUsd } from "./grant-credit.ts";
import { reserve, settle } from "./meter.ts";

const serverDir = fileURLToPath(new URL("../..", import.meta.url));

/** Another process takes the store's write lock for `ms`; resolves once it holds it. */
function lockFor(file: string, ms: number): Promise<void> {
  const script = `
    const db = new (require("better-sqlite3"))(${JSON.stringify(file)});
    db.exec("BEGIN IMMEDIATE");
    console.log("locked");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
    db.exec("COMMIT");
  `;
  const child = spawn(process.execPath, ["-e", script], { cwd: serverDir });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", () => resolve());
    child.on("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
}

describe("writes while another process holds the write lock", () => {
  // Found by the contention test: transactions that read before writing failed at
  // once with SQLITE_BUSY (a read cannot wait to become a write), a 500 to the client.
  it("wait for it and succeed: holds, settlements, grants and new accounts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "masque-lock-"));
    const db = openDatabase(dir);
    const { accountId } = createApiKey(db, { tier: "free" });
    grantUsd(db, accountId, 1_000_000);
    const principal = { accountId, tier: "free" as const, via: { kind: "session" as const } };

    await lockFor(databasePath(dir), 300);
    const started = Date.now();
    const held = reserve(db, { principal, model: "m", maxCostMicro: 1000, diemCreditMicro: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    await lockFor(databasePath(dir), 200);
    settle(db, held, 500);
    await lockFor(databasePath(dir), 200);
    grantUsd(db, accountId, 1);
    await lockFor(databasePath(dir), 200);
    expect(accountForDeviceSecret(db, "a-device-secret-0123456789abcdef").created).toBe(true);
  });
});
