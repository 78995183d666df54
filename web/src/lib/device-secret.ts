const STORAGE_KEY = "masque.deviceSecret";

/** base64url without padding (RFC 4648 §5). */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * This browser's anonymous identity: 32 random bytes made here and kept in
 * localStorage. The gateway only ever stores its hash; losing it (clearing
 * site data) means a new anonymous account.
 */
export function deviceSecret(storage: Storage = localStorage): string {
  const existing = storage.getItem(STORAGE_KEY);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  storage.setItem(STORAGE_KEY, secret);
  return secret;
}
