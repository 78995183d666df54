import type { ApiKey } from "../lib/api-schemas.ts";

/** The create-key form as typed. */
export interface KeyForm {
  label: string;
  type: "inference" | "admin";
  expiresDays: string;
  limitUsd: string;
  limitDiem: string;
  period: "day" | "month";
  privateOnly: boolean;
}

export const emptyKeyForm: KeyForm = {
  label: "",
  type: "inference",
  expiresDays: "",
  limitUsd: "",
  limitDiem: "",
  period: "month",
  privateOnly: false,
};

/** The body of `POST /api/keys`, or what to fix in the form. */
export type KeyRequest = { ok: true; body: Record<string, unknown> } | { ok: false; error: string };

const positive = (text: string) => {
  const n = Number(text.trim());
  return text.trim() !== "" && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** Turns the form into the request body the gateway validates (server/src/routes/account.ts). */
export function keyRequest(form: KeyForm, now = new Date()): KeyRequest {
  const body: Record<string, unknown> = {
    type: form.type,
    model_privacy: form.privateOnly ? "private_only" : "all",
  };
  const label = form.label.trim();
  if (label.length > 64) return { ok: false, error: "The label can be at most 64 characters." };
  if (label) body.label = label;
  if (form.expiresDays.trim()) {
    const days = positive(form.expiresDays);
    if (!days || !Number.isInteger(days))
      return { ok: false, error: "Expiry must be a whole number of days." };
    body.expires_at = new Date(now.getTime() + days * 86_400_000).toISOString();
  }
  const usd = positive(form.limitUsd);
  const diem = positive(form.limitDiem);
  if (form.limitUsd.trim() && usd === undefined)
    return { ok: false, error: "The USD limit must be above zero." };
  if (form.limitDiem.trim() && diem === undefined)
    return { ok: false, error: "The DIEM limit must be above zero." };
  if (usd !== undefined || diem !== undefined) {
    body.spend_limit = {
      ...(usd !== undefined ? { usd } : {}),
      ...(diem !== undefined ? { diem } : {}),
      period: form.period,
    };
  }
  return { ok: true, body };
}

/** A key's spend limit in words: "$5 and 2 DIEM a day", or "No limit". */
export function limitText(limit: ApiKey["spend_limit"]): string {
  if (!limit) return "No limit";
  const parts = [
    limit.usd !== null ? `$${limit.usd}` : undefined,
    limit.diem !== null ? `${limit.diem} DIEM credit` : undefined,
  ].filter(Boolean);
  return `${parts.join(" and ")} a ${limit.period}`;
}

/** Active, revoked or expired. */
export function keyStatus(key: ApiKey, now = new Date()): "active" | "revoked" | "expired" {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && new Date(key.expires_at).getTime() <= now.getTime()) return "expired";
  return "active";
}
