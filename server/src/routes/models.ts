import type { ModelList } from "@masque/shared";
import { Hono } from "hono";
import type { ModelCatalog } from "../routing/model-catalog.ts";

/** `GET /v1/models` and `GET /v1/models/{id}`, with Masque's `model_spec`. */
export function modelsRoute(catalog: ModelCatalog) {
  return new Hono()
    .get("/", (c) => {
      const body: ModelList = { object: "list", data: catalog.list().map((m) => catalog.toEntry(m)) };
      return c.json(body);
    })
    .get("/:id{.+}", (c) => c.json(catalog.toEntry(catalog.resolve(c.req.param("id")))));
}
