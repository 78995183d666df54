import { readApiError } from "./api-error.ts";
import { signInAnonymously } from "./session.ts";

const SESSION_CODES = new Set(["missing_api_key", "session_expired"]);

/**
 * `fetch` for the gateway's `/v1` API with the session cookie. When the session
 * is missing or expired it signs in again once and retries; any other failure
 * becomes an ApiError. The body must be a string so it can be sent twice.
 */
export async function apiFetch(path: string, init: RequestInit & { body?: string } = {}): Promise<Response> {
  let res = await fetch(path, { ...init, credentials: "same-origin" });
  if (res.status === 401) {
    const error = await readApiError(res);
    if (!error.code || !SESSION_CODES.has(error.code)) throw error;
    await signInAnonymously(init.signal ?? undefined);
    res = await fetch(path, { ...init, credentials: "same-origin" });
  }
  if (!res.ok) throw await readApiError(res);
  return res;
}
