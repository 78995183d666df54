import { formatIssuePath, InvalidRequestError } from "@masque/shared";
import type { Context } from "hono";
import type { z } from "zod";

/**
 * How deep a request body may nest. Real requests (JSON Schemas in tools and
 * response_format included) stay far below; validating a much deeper value
 * would overflow the stack.
 */
export const MAX_JSON_DEPTH = 128;

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
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidRequestError("The request body is not valid JSON.", { code: "invalid_json" });
  }
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new InvalidRequestError(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`, {
      code: "invalid_json",
    });
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue ? formatIssuePath(issue.path) : "";
  const message = issue ? `Invalid '${param || "body"}': ${issue.message}.` : "The request body is invalid.";
  throw new InvalidRequestError(message, { param: param || null });
}

/** Whether valid JSON text nests arrays and objects deeper than `max`, counted without recursion. */
export function nestsDeeperThan(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // a backslash escapes the next character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max) return true;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return false;
}
