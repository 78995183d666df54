import { useId } from "react";
import { formatUnits } from "viem";
import { formatToken, type ParsedAmount, parseAmount, type TokenUnit } from "./amounts.ts";

/** A labelled amount input in a token's units, with a Max button when a maximum is known. */
export function AmountField({
  label,
  unit,
  value,
  onChange,
  max,
  maxLabel = "Available",
}: {
  label: string;
  unit: TokenUnit;
  value: string;
  onChange: (text: string) => void;
  max?: bigint;
  maxLabel?: string;
}) {
  const id = useId();
  const parsed = parseAmount(value, unit.decimals);
  const over = parsed.ok && max !== undefined && parsed.value > max;
  return (
    <div className="amount-field">
      <label htmlFor={id}>
        {label}
        <span className="amount-input">
          <input
            id={id}
            inputMode="decimal"
            autoComplete="off"
            value={value}
            placeholder="0.0"
            aria-invalid={!parsed.ok && parsed.error !== undefined ? true : over ? true : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
          <span className="unit" aria-hidden="true">
            {unit.symbol}
          </span>
        </span>
      </label>
      <div className="row small-text">
        {max !== undefined && (
          <>
            <span className="muted">
              {maxLabel}: {formatToken(max, unit)}
            </span>
            <button
              type="button"
              className="ghost small"
              aria-label={`Max ${label}`}
              disabled={max === 0n}
              onClick={() => onChange(formatUnits(max, unit.decimals))}
            >
              Max
            </button>
          </>
        )}
      </div>
      {!parsed.ok && parsed.error && <p className="error small-text">{parsed.error}</p>}
      {over && (
        <p className="error small-text">That is more than you have ({formatToken(max ?? 0n, unit)}).</p>
      )}
    </div>
  );
}

/** The amount a field holds when it is valid and within `max`; undefined otherwise. */
export function validAmount(text: string, unit: TokenUnit, max?: bigint): bigint | undefined {
  const parsed: ParsedAmount = parseAmount(text, unit.decimals);
  if (!parsed.ok) return undefined;
  if (max !== undefined && parsed.value > max) return undefined;
  return parsed.value;
}
