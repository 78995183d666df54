import { formatIssuePath, InvalidRequestError } from "@masque/shared";
import type { Context } from "hono";
import type { z } from "zod";

/**
 * Reads the request body as JSON and validates it. A client mistake becomes a
 * 400 naming the first field at fault (`param`) and what is wrong with it.
 */
export async function parseJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new InvalidRequestError("Send the body as JSON with 'Content-Type: application/json'.", {
      code: "invalid_content_type",
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new InvalidRequestError("The request body is not valid JSON.", { code: "invalid_json" });
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue ? formatIssuePath(issue.path) : "";
  const message = issue ? `Invalid '${param || "body"}': ${issue.message}.` : "The request body is invalid.";
  throw new InvalidRequestError(message, { param: param || null });
}
