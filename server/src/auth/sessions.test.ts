import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open-database.ts";
import {
  accountForDeviceSecret,
  createSession,
  deleteSession,
  findSession,
  SESSION_TTL_MS,
} from "./sessions.ts";

describe("sessions", () => {
  it("find their account until they expire or end", () => {
    const db = openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-sessions-")));
    const { accountId } = accountForDeviceSecret(db, "a-device-secret-0123456789abcdef");
    const now = new Date("2026-11-26T12:00:00Z");
    const { token, expiresAt } = createSession(db, accountId, now);
    expect(expiresAt.getTime()).toBe(now.getTime() + SESSION_TTL_MS);
    expect(findSession(db, token, now)).toEqual({ accountId, tier: "free", via: { kind: "session" } });
    expect(findSession(db, token, new Date(expiresAt.getTime() - 1))?.accountId).toBe(accountId);
    expect(findSession(db, token, expiresAt)).toBeUndefined();
    expect(findSession(db, `${token}x`, now)).toBeUndefined();
    deleteSession(db, token);
    expect(findSession(db, token, now)).toBeUndefined();
  });
});
