import { useState } from "react";
import { useHistory } from "./history-context.ts";
import { WrongPassphraseError } from "./vault.ts";

/** Shown while the encrypted history is locked: the passphrase opens it; nothing is readable before. */
export function LockScreen() {
  const { store } = useHistory();
  const [passphrase, setPassphrase] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <main className="lock-screen">
      <form
        className="lock-card"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await store.unlock(passphrase);
          } catch (err) {
            setError(
              err instanceof WrongPassphraseError
                ? err.message
                : `Could not open the history: ${String(err)}`,
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>Masque is locked</h1>
        <p>Your chat history on this device is encrypted. Enter your passphrase to open it.</p>
        <label>
          Passphrase
          <input
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the only thing to do on this screen.
            autoFocus
          />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !passphrase}>
          {busy ? "Unlocking…" : "Unlock"}
        </button>
        <button
          type="button"
          className="ghost small danger"
          onClick={() => {
            if (
              confirm("Erase all chat history on this device? Without the passphrase it cannot be recovered.")
            ) {
              void store.eraseAll();
            }
          }}
        >
          Forgot it? Erase history
        </button>
      </form>
    </main>
  );
}
