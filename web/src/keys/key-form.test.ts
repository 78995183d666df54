import { describe, expect, it } from "vitest";
import type { ApiKey } from "../lib/api-schemas.ts";
import { emptyKeyForm, keyRequest, keyStatus, limitText } from "./key-form.ts";

describe("the create-key form", () => {
  const now = new Date("2026-01-01T00:00:00Z");

  it("sends only what was filled in", () => {
    expect(keyRequest(emptyKeyForm, now)).toEqual({
      ok: true,
      body: { type: "inference", model_privacy: "all" },
    });
    expect(
      keyRequest(
        {
          ...emptyKeyForm,
          label: " ci ",
          expiresDays: "30",
          limitUsd: "5",
          period: "day",
          privateOnly: true,
          type: "admin",
        },
        now,
      ),
    ).toEqual({
      ok: true,
      body: {
        type: "admin",
        model_privacy: "private_only",
        label: "ci",
        expires_at: "2026-01-31T00:00:00.000Z",
        spend_limit: { usd: 5, period: "day" },
      },
    });
  });

  it("says what to fix", () => {
    expect(keyRequest({ ...emptyKeyForm, expiresDays: "1.5" })).toEqual({
      ok: false,
      error: "Expiry must be a whole number of days.",
    });
    expect(keyRequest({ ...emptyKeyForm, limitUsd: "-1" })).toEqual({
      ok: false,
      error: "The USD limit must be above zero.",
    });
  });

  it("describes limits and status", () => {
    expect(limitText(null)).toBe("No limit");
    expect(limitText({ usd: 5, diem: 2, period: "month" })).toBe("$5 and 2 DIEM credit a month");
    const key: ApiKey = {
      id: "k",
      key_prefix: "msq_ab",
      type: "inference",
      label: null,
      model_privacy: "all",
      spend_limit: null,
      created_at: "2025-01-01T00:00:00Z",
      expires_at: "2025-06-01T00:00:00Z",
      revoked_at: null,
    };
    expect(keyStatus(key, now)).toBe("expired");
    expect(keyStatus({ ...key, expires_at: null }, now)).toBe("active");
    expect(keyStatus({ ...key, revoked_at: "2025-02-01T00:00:00Z" }, now)).toBe("revoked");
  });
});
