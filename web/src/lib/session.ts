import { type TierId, tierIds } from "@masque/shared";
import { readApiError } from "./api-error.ts";
import { deviceSecret } from "./device-secret.ts";

/** The signed-in account as the gateway described it. */
export interface Session {
  accountId: string;
  tier: TierId;
  /** True when this browser's device secret was new to the gateway. */
  created: boolean;
}

/**
 * Signs this browser in anonymously: `POST /api/auth/anonymous` with the
 * device secret; the gateway answers with the account and sets the HttpOnly
 * `masque_session` cookie that authenticates every later `/v1` call.
 */
export async function signInAnonymously(signal?: AbortSignal): Promise<Session> {
  const res = await fetch("/api/auth/anonymous", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ deviceSecret: deviceSecret() }),
    signal,
  });
  if (!res.ok) throw await readApiError(res);
  const body = (await res.json()) as { account?: { id?: unknown; tier?: unknown }; created?: unknown };
  const tier = tierIds.find((t) => t === body.account?.tier) ?? "free";
  return { accountId: String(body.account?.id ?? ""), tier, created: body.created === true };
}

/**
 * The session this browser already has (`GET /api/auth/session`), or a new
 * anonymous one when it has none, so reloading the app does not start a new
 * session every time.
 */
export async function resumeSession(signal?: AbortSignal): Promise<Session> {
  const res = await fetch("/api/auth/session", { signal });
  if (!res.ok) throw await readApiError(res);
  const body = (await res.json()) as { account: { id?: unknown; tier?: unknown } | null };
  if (!body.account) return signInAnonymously(signal);
  const tier = tierIds.find((t) => t === body.account?.tier) ?? "free";
  return { accountId: String(body.account?.id ?? ""), tier, created: false };
}

let ready: Promise<Session> | undefined;

/**
 * Resumes (or starts) the session once per page load before the first account
 * call, so those calls never go out without a cookie and bounce off a 401.
 */
export function ensureSession(): Promise<Session> {
  ready ??= resumeSession().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** Forgets the resumed session (after signing out), so the next call starts a fresh one. */
export function forgetSession(): void {
  ready = undefined;
}
