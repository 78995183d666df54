import type { ModelEntry, TierId } from "@masque/shared";
import { useState } from "react";
import { newId, type Preset } from "../history/conversation.ts";
import { useHistory } from "../history/history-context.ts";
import { Modal } from "../lib/modal.tsx";
import { modelChoice } from "../models/model-choice.ts";

export interface PresetsDialogProps {
  models: ModelEntry[];
  tier: TierId;
  onClose: () => void;
  onStart: (preset: Preset) => void;
}

/** Character presets: a name, a system prompt and a default model, stored with the history on this device. */
export function PresetsDialog({ models, tier, onClose, onStart }: PresetsDialogProps) {
  const { store, history } = useHistory();
  const [editing, setEditing] = useState<Preset>();
  const usable = models.filter((m) => modelChoice(m, tier).selectable);
  const blank = (): Preset => ({ id: newId(), name: "", systemPrompt: "", createdAt: Date.now() });
  return (
    <Modal title="Characters" onClose={onClose}>
      {editing ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!editing.name.trim()) return;
            store.putPreset({ ...editing, name: editing.name.trim() });
            setEditing(undefined);
          }}
        >
          <label>
            Name
            <input value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} />
          </label>
          <label>
            System prompt
            <textarea
              rows={6}
              value={editing.systemPrompt}
              onChange={(e) => setEditing({ ...editing, systemPrompt: e.target.value })}
            />
          </label>
          <label>
            Default model
            <select
              value={editing.model ?? ""}
              onChange={(e) => setEditing({ ...editing, model: e.target.value || undefined })}
            >
              <option value="">The current model</option>
              {usable.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <button type="submit" className="primary small" disabled={!editing.name.trim()}>
              Save character
            </button>
            <button type="button" className="ghost small" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          {history.presets.length === 0 ? (
            <p className="muted">
              No characters yet. A character starts a chat with its own system prompt and model.
            </p>
          ) : (
            <ul className="preset-list">
              {history.presets.map((p) => (
                <li key={p.id}>
                  <span className="preset-name">{p.name}</span>
                  <span className="muted small-text">{p.model ?? "current model"}</span>
                  <div className="row">
                    <button
                      type="button"
                      className="primary small"
                      aria-label={`Start a chat with ${p.name}`}
                      onClick={() => onStart(p)}
                    >
                      Chat
                    </button>
                    <button
                      type="button"
                      className="ghost small"
                      aria-label={`Edit ${p.name}`}
                      onClick={() => setEditing(p)}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="ghost small danger"
                      aria-label={`Delete ${p.name}`}
                      onClick={() => {
                        if (confirm(`Delete the character “${p.name}”?`)) store.removePreset(p.id);
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="ghost small" onClick={() => setEditing(blank())}>
            New character
          </button>
        </>
      )}
    </Modal>
  );
}
