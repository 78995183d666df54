import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "../lib/api-fetch.ts";
import { Modal } from "../lib/modal.tsx";
import {
  attestationAnswerSchema,
  signatureAnswerSchema,
  verifyAnswerSignature,
} from "./verify-answer-signature.ts";

/**
 * What stands behind a "TEE verified" answer: the gateway's attestation checks
 * of the enclave, with their times, its signing address, and the answer's own
 * signature, verified again here in the browser.
 */
export default function TeeDetailsDialog({
  model,
  completionId,
  onClose,
}: {
  model: string;
  completionId: string | undefined;
  onClose: () => void;
}) {
  const attestation = useQuery({
    queryKey: ["attestation", model],
    queryFn: async ({ signal }) =>
      attestationAnswerSchema.parse(
        await (await apiFetch(`/v1/attestation?model=${encodeURIComponent(model)}`, { signal })).json(),
      ),
    retry: false,
  });
  const signature = useQuery({
    queryKey: ["signature", completionId],
    queryFn: async ({ signal }) =>
      signatureAnswerSchema.parse(
        await (await apiFetch(`/v1/signature/${encodeURIComponent(completionId ?? "")}`, { signal })).json(),
      ),
    enabled: !!completionId,
    retry: false,
  });
  const check = useQuery({
    queryKey: ["signature-check", completionId, attestation.dataUpdatedAt],
    queryFn: () => {
      if (!attestation.data || !signature.data) throw new Error("nothing to check");
      return verifyAnswerSignature(attestation.data.attestation, signature.data.signature);
    },
    enabled: !!attestation.data && !!signature.data,
  });
  const a = attestation.data?.attestation;
  return (
    <Modal title="TEE verification" onClose={onClose}>
      <section>
        <h3>This answer's signature, checked in your browser</h3>
        {!completionId && <p className="muted">This answer has no id to look its signature up by.</p>}
        {signature.isPending && completionId && <p className="muted">Fetching the signature…</p>}
        {signature.isError && (
          <p className="error" role="alert">
            {signature.error.message} Signatures are kept an hour after the answer.
          </p>
        )}
        {check.data && (
          <>
            <p role="status" className={check.data.ok ? "success" : "error"}>
              {check.data.ok
                ? "Verified here: the enclave the gateway attested signed exactly this exchange."
                : "This browser could not verify the answer's signature."}
            </p>
            <ul className="tee-checks">
              {check.data.checks.map((c) => (
                <li key={c.name} className={c.ok ? "ok" : "fail"}>
                  <span aria-hidden="true">{c.ok ? "✓" : "✗"}</span> <strong>{c.name}</strong>
                  {c.ok ? "" : " (failed)"}: {c.detail}
                </li>
              ))}
            </ul>
            <p className="muted small-text">
              The hashes are of the bytes the gateway sent to and got from the enclave; your browser checks
              that the enclave's key signed them and that this key is the attested one.
            </p>
          </>
        )}
      </section>
      <section>
        <h3>The enclave's attestation</h3>
        {attestation.isPending && <p className="muted">Fetching the attestation…</p>}
        {attestation.isError && (
          <p className="error" role="alert">
            {attestation.error.message}
          </p>
        )}
        {a && (
          <>
            <p>
              {a.ok ? "Passed" : "Failed"}, checked {new Date(a.checkedAt).toLocaleString()}; valid until{" "}
              {new Date(a.expiresAt).toLocaleString()}.
            </p>
            <p className="small-text">
              Signing address: <code>{a.signingAddress ?? a.claimedSigningAddress ?? "none"}</code>
            </p>
            <ul className="tee-checks">
              {a.checks.map((c) => (
                <li key={c.name} className={c.skipped ? "skipped" : c.ok ? "ok" : "fail"}>
                  <span aria-hidden="true">{c.skipped ? "–" : c.ok ? "✓" : "✗"}</span>{" "}
                  <strong>{c.name}</strong>
                  {c.skipped ? " (skipped)" : c.ok ? "" : " (failed)"}: {c.detail}{" "}
                  <span className="muted">at {new Date(c.checkedAt).toLocaleTimeString()}</span>
                </li>
              ))}
            </ul>
            <p className="muted small-text">
              The raw evidence is at <code>/v1/attestation?model={model}</code> to redo every check yourself.
            </p>
          </>
        )}
      </section>
    </Modal>
  );
}
