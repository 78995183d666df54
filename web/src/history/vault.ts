/**
 * Passphrase encryption of the history at rest (WebCrypto only).
 * A random 256-bit data key encrypts every record with AES-GCM; the data key is
 * stored wrapped by a key derived from the passphrase with PBKDF2-SHA-256, so
 * changing the passphrase rewraps one key instead of re-encrypting everything.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#pbkdf2
 */

/** OWASP's 2023 minimum for PBKDF2-HMAC-SHA-256. */
export const PBKDF2_ITERATIONS = 600_000;

/** What is stored about the vault: the KDF parameters and the wrapped data key. */
export interface VaultHeader {
  version: 1;
  kdf: { name: "PBKDF2"; hash: "SHA-256"; iterations: number; salt: Uint8Array };
  wrappedKey: Sealed;
}

/** An AES-GCM ciphertext and its 96-bit IV. */
export interface Sealed {
  iv: Uint8Array;
  data: ArrayBuffer;
}

/** The passphrase did not open the vault. */
export class WrongPassphraseError extends Error {
  constructor() {
    super("That passphrase is not right.");
    this.name = "WrongPassphraseError";
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const WRAP_AAD = encoder.encode("masque-history-key-v1");

async function keyFromPassphrase(passphrase: string, kdf: VaultHeader["kdf"]): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    "raw",
    encoder.encode(passphrase.normalize("NFKC")),
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: kdf.hash, iterations: kdf.iterations, salt: kdf.salt as BufferSource },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
}

async function wrap(dataKey: CryptoKey, passphrase: string, iterations: number): Promise<VaultHeader> {
  const kdf = {
    name: "PBKDF2" as const,
    hash: "SHA-256" as const,
    iterations,
    salt: crypto.getRandomValues(new Uint8Array(16)),
  };
  const kek = await keyFromPassphrase(passphrase, kdf);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.wrapKey("raw", dataKey, kek, {
    name: "AES-GCM",
    iv,
    additionalData: WRAP_AAD,
  });
  return { version: 1, kdf, wrappedKey: { iv, data } };
}

/** Makes a new vault: a fresh data key, wrapped under the passphrase. */
export async function createVault(
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<{ header: VaultHeader; key: CryptoKey }> {
  if (passphrase.length === 0) throw new Error("The passphrase is empty.");
  const extractable = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, [
    "encrypt",
    "decrypt",
  ]);
  const header = await wrap(extractable, passphrase, iterations);
  // Use a non-extractable copy from here on, as an unlock would give.
  return { header, key: await openVault(header, passphrase) };
}

/** The data key inside a vault; throws WrongPassphraseError when the passphrase does not fit. */
export async function openVault(header: VaultHeader, passphrase: string): Promise<CryptoKey> {
  const kek = await keyFromPassphrase(passphrase, header.kdf);
  try {
    return await crypto.subtle.unwrapKey(
      "raw",
      header.wrappedKey.data,
      kek,
      { name: "AES-GCM", iv: header.wrappedKey.iv as BufferSource, additionalData: WRAP_AAD },
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    );
  } catch {
    throw new WrongPassphraseError();
  }
}

/** The same data key under a new passphrase (and a new salt). */
export async function rewrapVault(
  header: VaultHeader,
  oldPassphrase: string,
  newPassphrase: string,
): Promise<VaultHeader> {
  if (newPassphrase.length === 0) throw new Error("The passphrase is empty.");
  const kek = await keyFromPassphrase(oldPassphrase, header.kdf);
  let dataKey: CryptoKey;
  try {
    dataKey = await crypto.subtle.unwrapKey(
      "raw",
      header.wrappedKey.data,
      kek,
      { name: "AES-GCM", iv: header.wrappedKey.iv as BufferSource, additionalData: WRAP_AAD },
      { name: "AES-GCM", length: 256 },
      true,
      ["encrypt", "decrypt"],
    );
  } catch {
    throw new WrongPassphraseError();
  }
  return wrap(dataKey, newPassphrase, header.kdf.iterations);
}

/**
 * Encrypts a JSON value. `context` (the record's store and id) is bound as
 * additional data, so a ciphertext moved to another record fails to open.
 */
export async function seal(key: CryptoKey, value: unknown, context: string): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(JSON.stringify(value)),
  );
  return { iv, data };
}

/** Decrypts what `seal` made with the same key and context. */
export async function unseal<T>(key: CryptoKey, sealed: Sealed, context: string): Promise<T> {
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: sealed.iv as BufferSource, additionalData: encoder.encode(context) },
    key,
    sealed.data,
  );
  return JSON.parse(decoder.decode(plain)) as T;
}
