import { describe, expect, it } from "vitest";
import {
  createVault,
  openVault,
  PBKDF2_ITERATIONS,
  rewrapVault,
  seal,
  unseal,
  WrongPassphraseError,
} from "./vault.ts";

const conversation = { id: "c1", title: "Secret plans", messages: ["zebra-canary-7781"] };

describe("vault", () => {
  it("round-trips a record with the real KDF cost, and the ciphertext holds no plaintext", async () => {
    const { header, key } = await createVault("correct horse battery staple");
    expect(header.kdf.iterations).toBeGreaterThanOrEqual(600_000);
    expect(header.kdf.iterations).toBe(PBKDF2_ITERATIONS);
    const sealed = await seal(key, conversation, "conversations/c1");
    const bytes = new TextDecoder("latin1").decode(sealed.data);
    expect(bytes).not.toContain("zebra-canary");
    expect(bytes).not.toContain("Secret");
    const reopened = await openVault(header, "correct horse battery staple");
    expect(await unseal(reopened, sealed, "conversations/c1")).toEqual(conversation);
  });

  it("refuses a wrong passphrase with WrongPassphraseError", async () => {
    const { header } = await createVault("right", 1_000);
    await expect(openVault(header, "wrong")).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(openVault(header, "Right")).rejects.toThrow("That passphrase is not right.");
  });

  it("a record sealed for one id does not open as another", async () => {
    const { key } = await createVault("pw", 1_000);
    const sealed = await seal(key, conversation, "conversations/c1");
    await expect(unseal(key, sealed, "conversations/c2")).rejects.toThrow();
  });

  it("changing the passphrase keeps the data key: old records still open, the old passphrase does not", async () => {
    const { header, key } = await createVault("old", 1_000);
    const sealed = await seal(key, conversation, "conversations/c1");
    const rewrapped = await rewrapVault(header, "old", "new");
    expect(rewrapped.kdf.salt).not.toEqual(header.kdf.salt);
    await expect(openVault(rewrapped, "old")).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(await unseal(await openVault(rewrapped, "new"), sealed, "conversations/c1")).toEqual(conversation);
    await expect(rewrapVault(header, "nope", "x")).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it("each seal uses a fresh IV", async () => {
    const { key } = await createVault("pw", 1_000);
    const a = await seal(key, conversation, "x");
    const b = await seal(key, conversation, "x");
    expect(a.iv).not.toEqual(b.iv);
  });
});
