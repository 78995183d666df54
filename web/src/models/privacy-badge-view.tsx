import { useId, useState } from "react";
import type { PrivacyBadge } from "./privacy-badge.ts";

/**
 * A privacy badge; clicking it says what the badge means (and, for anonymized
 * answers, what was redacted) — or, given `onOpen`, opens a fuller view instead.
 */
export function PrivacyBadgeView({ badge, onOpen }: { badge: PrivacyBadge; onOpen?: () => void }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <span className="badge-wrap">
      <button
        type="button"
        className={`badge badge-${badge.tone}`}
        aria-expanded={onOpen ? undefined : open}
        aria-controls={onOpen ? undefined : id}
        aria-haspopup={onOpen ? "dialog" : undefined}
        aria-label={`Privacy: ${badge.label}. Show details`}
        onClick={() => (onOpen ? onOpen() : setOpen((o) => !o))}
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
