import { setMaxListeners } from "node:events";
import type { Server } from "node:http";
import { MasqueError } from "@masque/shared";
import type { Logger } from "../logging/logger.ts";

/** 503 for requests that arrive while Masque is shutting down. */
export function shuttingDownError(): MasqueError {
  return new MasqueError(
    "server_shutting_down",
    503,
    "api_error",
    "Masque is restarting; send the request again in a moment.",
    { headers: { "retry-after": "5", connection: "close" } },
  );
}

/** How long cut streams get to write their error event before their sockets close. */
const FLUSH_MS = 2_000;

/**
 * A shutdown that lets live requests finish. `begin()` closes the listener (new
 * connections are refused), answers any new request on an open keep-alive
 * connection with a 503 in OpenAI's shape, and waits for requests in flight.
 * When the grace period ends, `cut` aborts: running chats stop with an error
 * event and settle what they delivered; their sockets close shortly after.
 */
export class GracefulShutdown {
  /** Aborted (with the client's error as reason) when the grace period is over. */
  readonly cut = new AbortController();
  private draining = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly graceMs: number,
    private readonly logger: Logger,
  ) {
    // Every running chat listens to `cut`: hundreds at once is normal, not a leak.
    setMaxListeners(0, this.cut.signal);
  }

  /** Wraps the app's fetch: while draining, every new request is refused. */
  wrap<E>(fetch: (request: Request, env: E) => Response | Promise<Response>) {
    return (request: Request, env: E): Response | Promise<Response> => {
      if (!this.draining) return fetch(request, env);
      const error = shuttingDownError();
      return Response.json(error.toJSON(), { status: error.status, headers: error.headers });
    };
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Starts draining `server`; resolves once every connection has closed. Calling again cuts at once. */
  begin(server: Server): Promise<void> {
    if (this.done) {
      this.cutNow(server);
      return this.done;
    }
    this.draining = true;
    this.logger.info({ graceMs: this.graceMs }, "shutting down: finishing requests in flight");
    this.done = new Promise<void>((resolve) => {
      // Keep-alive connections whose last response finished close as soon as they idle.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const grace = setTimeout(() => this.cutNow(server), this.graceMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(grace);
        resolve();
      });
    });
    return this.done;
  }

  private cutNow(server: Server): void {
    if (this.cut.signal.aborted) return;
    this.logger.warn("shutdown grace period over: ending requests still in flight");
    this.cut.abort(shuttingDownError());
    setTimeout(() => server.closeAllConnections(), FLUSH_MS).unref();
  }
}
