import { useState } from "react";
import { AmountField, validAmount } from "./amount-field.tsx";
import type { TokenUnit } from "./amounts.ts";
import type { WriteStep } from "./contract-write.ts";
import { useContractWrite } from "./use-contract-write.ts";
import { WriteStatus } from "./write-status.tsx";

/**
 * An amount field, the button that writes it on-chain, and the write's state under them. The button
 * waits for a valid amount within `max`; the field clears once the write is confirmed.
 */
export function AmountWrite({
  field,
  unit,
  max,
  maxLabel,
  action,
  primary = false,
  chainId,
  steps,
}: {
  /** The field's label, e.g. "VVV to stake". */
  field: string;
  unit: TokenUnit;
  max: bigint;
  maxLabel?: string;
  /** The button's text. */
  action: string;
  primary?: boolean;
  chainId: number;
  /** The transactions that write `amount`, in order (an approval first, when one is needed). */
  steps: (amount: bigint) => WriteStep[];
}) {
  const [text, setText] = useState("");
  const write = useContractWrite();
  const amount = validAmount(text, unit, max);
  return (
    <>
      <AmountField label={field} unit={unit} value={text} onChange={setText} max={max} maxLabel={maxLabel} />
      <button
        type="button"
        className={primary ? "primary" : "ghost"}
        disabled={amount === undefined || write.busy}
        onClick={() => {
          if (amount === undefined) return;
          void write.run(steps(amount)).then((confirmed) => confirmed && setText(""));
        }}
      >
        {action}
      </button>
      <WriteStatus state={write.state} chainId={chainId} />
    </>
  );
}
