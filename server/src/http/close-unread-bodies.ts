import type { MiddlewareHandler } from "hono";

/**
 * Answers `connection: close` when a request's body was never read (refused
 * before it was needed: no key, no route, wrong method). The server drains such
 * a body in the background and drops the connection if that takes long, which a
 * keep-alive client would only find out as a reset on its next request; closing
 * says so up front.
 */
export function closeUnreadBodies(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const declared =
      c.req.header("transfer-encoding") !== undefined || Number(c.req.header("content-length") ?? 0) > 0;
    if (declared && !c.req.raw.bodyUsed) c.res.headers.set("connection", "close");
  };
}
