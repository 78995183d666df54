import { InvalidRequestError, ModelUnavailableError, NotFoundError } from "@masque/shared";
import { Hono } from "hono";
import type { TeeAttestations } from "../attestation/tee-attestations.ts";
import type { SignatureStore } from "../chat/signature-store.ts";
import type { ModelCatalog } from "../routing/model-catalog.ts";

/**
 * `GET /v1/attestation?model=…`: our latest verification of a TEE model, every
 * check with its time, and the raw evidence so anyone can redo it.
 * `GET /v1/signature/{id}?model=…`: the enclave's signature of one answer and
 * our check of it.
 */
export function attestationRoutes(
  catalog: ModelCatalog,
  signatures: SignatureStore,
  attestations?: TeeAttestations,
) {
  return new Hono()
    .get("/attestation", (c) => {
      const id = c.req.query("model");
      if (!id)
        throw new InvalidRequestError("Name the model: /v1/attestation?model=<id>.", { param: "model" });
      const model = catalog.resolve(id);
      if (model.privacy !== "tee") {
        throw new InvalidRequestError(
          `'${model.id}' is a ${model.privacy} model; only TEE models are attested.`,
          {
            code: "not_a_tee_model",
            param: "model",
          },
        );
      }
      const result = attestations?.result(model.id);
      if (!result)
        throw new ModelUnavailableError("This model has not been verified yet; try again shortly.");
      return c.json({ model: model.id, availability: catalog.availability(model), attestation: result });
    })
    .get("/signature/:id", (c) => {
      const stored = signatures.get(c.req.param("id"));
      const model = c.req.query("model");
      if (!stored || (model !== undefined && model !== stored.model)) {
        throw new NotFoundError(
          "No signature for that chat id (they are kept for an hour).",
          "signature_not_found",
        );
      }
      return c.json({ id: c.req.param("id"), model: stored.model, signature: stored.result });
    });
}
