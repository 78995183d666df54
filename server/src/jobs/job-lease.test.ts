import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open-database.ts";
import { jobLeases } from "../db/schema.ts";
import { JobLease } from "./job-lease.ts";

const freshDb = () => openDatabase(fs.mkdtempSync(path.join(os.tmpdir(), "masque-lease-")));

describe("job leases", () => {
  it("admits one holder at a time, renews for it, and frees on release", () => {
    const db = freshDb();
    const a = new JobLease(db, "buyback", 60_000);
    const b = new JobLease(db, "buyback", 60_000);
    expect(a.acquire()).toBe(true);
    expect(b.acquire()).toBe(false);
    expect(a.acquire()).toBe(true);
    expect(new JobLease(db, "other-job", 60_000).acquire()).toBe(true);
    a.release();
    expect(b.acquire()).toBe(true);
  });

  it("lets another take over an expired lease", () => {
    const db = freshDb();
    const a = new JobLease(db, "buyback", 1_000);
    const now = Date.now();
    expect(a.acquire(now)).toBe(true);
    expect(new JobLease(db, "buyback", 1_000).acquire(now + 500)).toBe(false);
    expect(new JobLease(db, "buyback", 1_000).acquire(now + 1_001)).toBe(true);
  });

  it("lets another take over at once from a process of this host that has exited", () => {
    const db = freshDb();
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid;
    db.insert(jobLeases)
      .values({
        name: "buyback",
        holder: `${os.hostname()}:${exited}:x`,
        expiresAt: new Date(Date.now() + 60_000),
      })
      .run();
    expect(new JobLease(db, "buyback", 60_000).acquire()).toBe(true);
    // A live holder, or one on another host, is waited for.
    db.update(jobLeases)
      .set({ holder: `${os.hostname()}:${process.pid}:y` })
      .run();
    expect(new JobLease(db, "buyback", 60_000).acquire()).toBe(false);
    db.update(jobLeases).set({ holder: "elsewhere:1:z" }).run();
    expect(new JobLease(db, "buyback", 60_000).acquire()).toBe(false);
  });
});
