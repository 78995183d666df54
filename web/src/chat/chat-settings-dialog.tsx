import { useState } from "react";
import { Modal } from "../lib/modal.tsx";

export interface ChatSettings {
  systemPrompt: string;
  maxTokens?: number;
}

/** This conversation's system prompt and answer length limit. */
export function ChatSettingsDialog({
  initial,
  onSave,
  onClose,
}: {
  initial: ChatSettings;
  onSave: (settings: ChatSettings) => void;
  onClose: () => void;
}) {
  const [systemPrompt, setSystemPrompt] = useState(initial.systemPrompt);
  const [maxTokens, setMaxTokens] = useState(initial.maxTokens ? String(initial.maxTokens) : "");
  const valid = maxTokens === "" || /^[1-9]\d{0,6}$/.test(maxTokens);
  return (
    <Modal title="Chat settings" onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          onSave({ systemPrompt, maxTokens: maxTokens ? Number(maxTokens) : undefined });
          onClose();
        }}
      >
        <label>
          System prompt
          <textarea
            rows={6}
            value={systemPrompt}
            placeholder="E.g. You are a concise assistant. Answer in British English."
            onChange={(e) => setSystemPrompt(e.target.value)}
          />
        </label>
        <p className="muted small-text">Sent first with every message of this conversation.</p>
        <label>
          Longest answer (tokens)
          <input
            inputMode="numeric"
            value={maxTokens}
            placeholder="Up to the model’s context window"
            onChange={(e) => setMaxTokens(e.target.value.trim())}
          />
        </label>
        {!valid && <p className="error">A whole number of tokens, or empty.</p>}
        <div className="row">
          <button type="submit" className="primary small" disabled={!valid}>
            Save settings
          </button>
          <button type="button" className="ghost small" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
