import { useState } from "react";
import { downloadText } from "../lib/download.ts";
import { Modal } from "../lib/modal.tsx";
import { useHistory } from "./history-context.ts";
import { importChatGpt, isChatGptExport } from "./import-chatgpt.ts";
import { exportHistory, isMasqueExport, readMasqueExport } from "./masque-export.ts";

/** History settings: where it lives, passphrase encryption, export, import and erase. */
export function PrivacyDialog({ onClose }: { onClose: () => void }) {
  const { store, history } = useHistory();
  const [pass, setPass] = useState("");
  const [pass2, setPass2] = useState("");
  const [oldPass, setOldPass] = useState("");
  const [message, setMessage] = useState<{ text: string; error?: boolean }>();
  const [busy, setBusy] = useState(false);

  const run = async (what: () => Promise<string>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      setMessage({ text: await what() });
      setPass("");
      setPass2("");
      setOldPass("");
    } catch (err) {
      setMessage({ text: err instanceof Error ? err.message : String(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  const importFile = (file: File) =>
    run(async () => {
      let data: unknown;
      try {
        data = JSON.parse(await file.text());
      } catch {
        throw new Error("That file is not JSON.");
      }
      let result: { added: number; skipped: number };
      if (isMasqueExport(data)) {
        const { conversations, presets } = readMasqueExport(data);
        result = store.importConversations(conversations, presets);
      } else if (isChatGptExport(data)) {
        result = store.importConversations(importChatGpt(data));
      } else {
        throw new Error("This is neither a Masque history file nor ChatGPT’s conversations.json.");
      }
      await store.flush();
      return `Imported ${result.added} conversation${result.added === 1 ? "" : "s"}${result.skipped ? ` (${result.skipped} already here)` : ""}.`;
    });

  const mismatch = pass2 !== "" && pass !== pass2;
  return (
    <Modal title="Privacy & data" onClose={onClose}>
      <section>
        <h3>Where your history is</h3>
        <p>
          Conversations are stored in this browser’s IndexedDB on this device only; Masque’s servers keep no
          prompts or answers. Clearing this site’s data (or using a private window) deletes them, and they do
          not sync to your other devices. Export a copy to keep or move them.
        </p>
      </section>
      <section>
        <h3>Passphrase encryption</h3>
        {history.encrypted ? (
          <>
            <p>
              Your history is encrypted at rest (AES-256-GCM, key from your passphrase with PBKDF2-SHA-256,
              600,000 rounds). It asks for the passphrase each time this page opens.
            </p>
            <form
              className="stack"
              onSubmit={(e) => {
                e.preventDefault();
                void run(async () => {
                  await store.changePassphrase(oldPass, pass);
                  return "Passphrase changed.";
                });
              }}
            >
              <PassphraseField label="Current passphrase" current value={oldPass} onChange={setOldPass} />
              <PassphraseField label="New passphrase" value={pass} onChange={setPass} />
              <div className="row">
                <button type="submit" className="ghost small" disabled={busy || !oldPass || !pass}>
                  Change passphrase
                </button>
                <button
                  type="button"
                  className="ghost small"
                  disabled={busy || !oldPass}
                  onClick={() =>
                    void run(async () => {
                      await store.disableEncryption(oldPass);
                      return "Encryption is off; the history is stored unencrypted.";
                    })
                  }
                >
                  Turn encryption off
                </button>
              </div>
            </form>
          </>
        ) : (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (mismatch) return;
              void run(async () => {
                await store.enableEncryption(pass);
                return "Your history is now encrypted. Keep the passphrase safe: without it the history cannot be opened.";
              });
            }}
          >
            <p>
              Encrypt the history on this device with a passphrase. Without it nobody — not even you — can
              read the history. Records written before may leave traces on disk until the browser compacts its
              storage.
            </p>
            <PassphraseField label="New passphrase" value={pass} onChange={setPass} />
            <PassphraseField label="Repeat passphrase" value={pass2} onChange={setPass2} />
            {mismatch && <p className="error">The passphrases differ.</p>}
            <button type="submit" className="primary small" disabled={busy || !pass || pass !== pass2}>
              {busy ? "Encrypting…" : "Encrypt history"}
            </button>
          </form>
        )}
      </section>
      <section>
        <h3>Export and import</h3>
        <div className="row">
          <button
            type="button"
            className="ghost small"
            onClick={() =>
              downloadText(
                `masque-history-${new Date().toISOString().slice(0, 10)}.json`,
                JSON.stringify(exportHistory(history.conversations, history.presets), null, 2),
              )
            }
          >
            Export history (JSON)
          </button>
          <label className="file-button ghost small">
            Import (Masque JSON or ChatGPT conversations.json)
            <input
              type="file"
              accept="application/json,.json"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = "";
                if (file) void importFile(file);
              }}
            />
          </label>
        </div>
        <p className="muted small-text">The exported file is not encrypted: store it somewhere safe.</p>
      </section>
      <section>
        <h3>Erase</h3>
        <button
          type="button"
          className="ghost small danger"
          onClick={() => {
            if (confirm("Erase every conversation and character on this device? This cannot be undone.")) {
              void run(async () => {
                await store.eraseAll();
                return "All history on this device was erased.";
              });
            }
          }}
        >
          Erase all history
        </button>
      </section>
      {message && (
        <p className={message.error ? "error" : "success"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
    </Modal>
  );
}

/** A passphrase input with its label; `current` asks the browser for the saved one rather than a new one. */
function PassphraseField({
  label,
  current = false,
  value,
  onChange,
}: {
  label: string;
  current?: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="password"
        autoComplete={current ? "current-password" : "new-password"}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
