import type { ModelEntry, TierId } from "@masque/shared";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { formatPricing, groupModels, modelChoice } from "./model-choice.ts";
import { privacyBadge } from "./privacy-badge.ts";

export interface ModelPickerProps {
  models: ModelEntry[];
  tier: TierId;
  value: string | undefined;
  onChange: (id: string) => void;
  disabled?: boolean;
}

/**
 * The model picker: a listbox grouped by privacy class, a badge on every
 * model, and for each model that cannot be chosen the reason, shown beside it.
 * @see https://www.w3.org/WAI/ARIA/apg/patterns/listbox/
 */
export function ModelPicker({ models, tier, value, onChange, disabled }: ModelPickerProps) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState<string | undefined>(value);
  const listRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const baseId = useId();
  const groups = useMemo(() => groupModels(models), [models]);
  const selectable = useMemo(
    () => groups.flatMap((g) => g.models).filter((m) => modelChoice(m, tier).selectable),
    [groups, tier],
  );
  const current = models.find((m) => m.id === value);
  const optionId = (id: string) => `${baseId}-${id.replace(/[^\w-]/g, "_")}`;

  useEffect(() => {
    if (open) {
      setActive(value ?? selectable[0]?.id);
      listRef.current?.focus();
    }
  }, [open, value, selectable]);

  useEffect(() => {
    if (!open) return;
    const close = (e: PointerEvent) => {
      if (!listRef.current?.contains(e.target as Node) && !buttonRef.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener("pointerdown", close);
    return () => document.removeEventListener("pointerdown", close);
  }, [open]);

  const choose = (id: string) => {
    onChange(id);
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const at = selectable.findIndex((m) => m.id === active);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next =
        selectable[(at + (e.key === "ArrowDown" ? 1 : -1) + selectable.length) % selectable.length];
      if (next) setActive(next.id);
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (active) choose(active);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    } else if (e.key === "Tab") setOpen(false);
  };

  const currentBadge = current ? privacyBadge(current.model_spec) : undefined;
  return (
    <div className="model-picker">
      <button
        ref={buttonRef}
        type="button"
        className="picker-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-label={
          current ? `Model: ${current.id} (${currentBadge?.label}). Change model` : "Choose a model"
        }
        disabled={disabled || models.length === 0}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="picker-name">{current?.id ?? "Choose a model"}</span>
        {currentBadge && <span className={`badge badge-${currentBadge.tone}`}>{currentBadge.label}</span>}
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          ref={listRef}
          className="picker-list"
          role="listbox"
          aria-label="Models, grouped by privacy"
          tabIndex={-1}
          aria-activedescendant={active ? optionId(active) : undefined}
          onKeyDown={onKeyDown}
        >
          {groups.map((g) => (
            // biome-ignore lint/a11y/useSemanticElements: a listbox groups its options with role="group" (ARIA APG).
            <div key={g.privacy} role="group" aria-labelledby={`${baseId}-g-${g.privacy}`}>
              <div id={`${baseId}-g-${g.privacy}`} className="picker-group" role="presentation">
                {g.label}
              </div>
              {g.models.map((m) => {
                const choice = modelChoice(m, tier);
                const badge = privacyBadge(m.model_spec);
                return (
                  // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox handles the keyboard (aria-activedescendant).
                  <div
                    key={m.id}
                    id={optionId(m.id)}
                    role="option"
                    tabIndex={-1}
                    aria-selected={m.id === value}
                    aria-disabled={!choice.selectable}
                    className={`picker-option${m.id === active ? " active" : ""}`}
                    onClick={() => choice.selectable && choose(m.id)}
                  >
                    <span className="picker-option-main">
                      <span className="picker-name">{m.id}</span>
                      <span className={`badge badge-${badge.tone}`} title={badge.description}>
                        {badge.label}
                      </span>
                    </span>
                    <span className="picker-option-sub">
                      {choice.selectable
                        ? `${formatPricing(m)} · ${m.model_spec.context_length.toLocaleString()} tokens context`
                        : `Unavailable: ${choice.reason}`}
                    </span>
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
