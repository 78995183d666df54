import type { ModelEntry } from "@masque/shared";
import { lazy, memo, Suspense, useState } from "react";
import { answerBadge } from "../models/privacy-badge.ts";
import { PrivacyBadgeView } from "../models/privacy-badge-view.tsx";
import type { LiveAnswer } from "./live-answer.ts";
import { MarkdownView } from "./markdown-view.tsx";
import type { TreeMessage } from "./message-tree.ts";
import { StreamingAnswer } from "./streaming-answer.tsx";

// viem's signature recovery loads only when someone opens a TEE answer's details.
const TeeDetailsDialog = lazy(() => import("../models/tee-details-dialog.tsx"));

export interface MessageActions {
  onEdit: (message: TreeMessage, text: string) => void;
  onRegenerate: (message: TreeMessage) => void;
  onBranch: (message: TreeMessage, step: -1 | 1) => void;
}

export interface MessageItemProps extends MessageActions {
  message: TreeMessage;
  /** Position among its siblings (1-based) and their count, for the branch arrows. */
  branchIndex: number;
  branchCount: number;
  live: LiveAnswer | undefined;
  busy: boolean;
  modelEntry: ModelEntry | undefined;
}

/** Tokens and cost of one answer: the gateway's own figure when it sent one, else the model's price list. */
export function usageText(message: TreeMessage, model: ModelEntry | undefined): string | undefined {
  if (!message.usage) return undefined;
  const { promptTokens, completionTokens, costUsd } = message.usage;
  const parts = [`${promptTokens} in · ${completionTokens} out tokens`];
  const money = (usd: number) => (usd < 0.0001 ? usd.toExponential(1) : usd.toFixed(4));
  if (costUsd !== undefined) parts.push(costUsd === 0 ? "free" : `$${money(costUsd)}`);
  else if (model) {
    const p = model.model_spec.pricing;
    const usd = (promptTokens * p.input_per_mtok + completionTokens * p.output_per_mtok) / 1_000_000;
    parts.push(usd === 0 ? "free" : `≈ $${money(usd)}`);
  }
  return parts.join(" · ");
}

function BranchArrows({
  message,
  branch,
  onBranch,
  busy,
}: Pick<MessageItemProps, "message" | "onBranch" | "busy"> & { branch: { index: number; count: number } }) {
  if (branch.count < 2) return null;
  const what = message.role === "user" ? "version of this message" : "answer";
  return (
    <span className="branch">
      <button
        type="button"
        className="icon"
        aria-label={`Previous ${what}`}
        disabled={busy || branch.index <= 1}
        onClick={() => onBranch(message, -1)}
      >
        ‹
      </button>
      <span className="branch-pos" aria-live="polite">
        {branch.index} / {branch.count}
      </span>
      <button
        type="button"
        className="icon"
        aria-label={`Next ${what}`}
        disabled={busy || branch.index >= branch.count}
        onClick={() => onBranch(message, 1)}
      >
        ›
      </button>
    </span>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="ghost small"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? "Copied" : "Copy"}
    </button>
  );
}

/** One message: the user's (editable, branching) or an answer (streaming or final, with badge and usage). */
export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { message, live, busy, modelEntry } = props;
  const branch = { index: props.branchIndex, count: props.branchCount };
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const [teeOpen, setTeeOpen] = useState(false);

  if (message.role === "user") {
    return (
      <article id={`m-${message.id}`} className="message user" aria-label="Your message">
        {editing ? (
          <form
            className="edit"
            onSubmit={(e) => {
              e.preventDefault();
              if (!draft.trim()) return;
              setEditing(false);
              props.onEdit(message, draft);
            }}
          >
            <textarea
              aria-label="Edit your message"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              rows={3}
            />
            <div className="row">
              <button type="submit" className="primary small" disabled={busy || !draft.trim()}>
                Save &amp; send
              </button>
              <button type="button" className="ghost small" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <div className="bubble">{message.content}</div>
        )}
        <footer className="message-actions">
          <BranchArrows message={message} branch={branch} onBranch={props.onBranch} busy={busy} />
          {!editing && (
            <button
              type="button"
              className="ghost small"
              aria-label="Edit message"
              disabled={busy}
              onClick={() => {
                setDraft(message.content);
                setEditing(true);
              }}
            >
              Edit
            </button>
          )}
          <CopyButton text={message.content} label="Copy message" />
        </footer>
      </article>
    );
  }

  const streaming = message.status === "streaming" && live !== undefined;
  const meta = message.meta ?? live?.meta;
  const badge = answerBadge(meta?.privacy, meta?.redactions, {
    verified: meta?.signature === "verified",
    address: meta?.signingAddress,
  });
  const usage = usageText(message, modelEntry);
  return (
    <article id={`m-${message.id}`} className="message assistant" aria-label="Answer" aria-busy={streaming}>
      <header className="answer-head">
        {meta?.privacy ? (
          <PrivacyBadgeView
            badge={badge}
            onOpen={meta.privacy === "tee-verified" ? () => setTeeOpen(true) : undefined}
          />
        ) : null}
        {message.model && <span className="model-name">{message.model}</span>}
      </header>
      {streaming ? (
        <StreamingAnswer answer={live} />
      ) : (
        <>
          {message.reasoning && (
            <details className="reasoning">
              <summary>Reasoning</summary>
              <pre>{message.reasoning}</pre>
            </details>
          )}
          {message.content ? <MarkdownView text={message.content} /> : null}
        </>
      )}
      {message.status === "stopped" && <p className="note">Stopped.</p>}
      {message.status === "streaming" && !live && <p className="note">Interrupted.</p>}
      {message.finishReason === "length" && <p className="note">Cut off at the length limit.</p>}
      {message.status === "error" && (
        <p className="error" role="alert">
          {message.error?.message ?? "Something went wrong."}
        </p>
      )}
      <footer className="message-actions">
        <BranchArrows message={message} branch={branch} onBranch={props.onBranch} busy={busy} />
        {!streaming && (
          <>
            <CopyButton text={message.content} label="Copy answer" />
            <button
              type="button"
              className="ghost small"
              aria-label="Regenerate answer"
              disabled={busy}
              onClick={() => props.onRegenerate(message)}
            >
              Regenerate
            </button>
          </>
        )}
        {usage && <span className="usage">{usage}</span>}
        {meta?.signature === "verified" && (
          <span
            className="usage"
            title={meta.signingAddress ? `Signed by ${meta.signingAddress}` : undefined}
          >
            Signature verified by the gateway
          </span>
        )}
      </footer>
      {teeOpen && message.model && (
        <Suspense fallback={null}>
          <TeeDetailsDialog
            model={message.model}
            completionId={meta?.completionId}
            onClose={() => setTeeOpen(false)}
          />
        </Suspense>
      )}
    </article>
  );
});
