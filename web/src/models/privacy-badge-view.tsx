import { useId, useState } from "react";
import type { PrivacyBadge } from "./privacy-badge.ts";

/** A privacy badge; clicking it says what the badge means (and, for anonymized answers, what was redacted). */
export function PrivacyBadgeView({ badge }: { badge: PrivacyBadge }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <span className="badge-wrap">
      <button
        type="button"
        className={`badge badge-${badge.tone}`}
        aria-expanded={open}
        aria-controls={id}
        aria-label={`Privacy: ${badge.label}. Show details`}
        onClick={() => setOpen((o) => !o)}
      >
        {badge.label}
      </button>
      {open && (
        <span id={id} className="badge-detail" role="note">
          {badge.description}
        </span>
      )}
    </span>
  );
}
