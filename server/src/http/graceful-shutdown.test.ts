import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { GracefulShutdown } from "./graceful-shutdown.ts";
import { testLogger } from "./test-app.ts";

/** A server with one slow endpoint that streams until done or cut. */
async function start(graceMs: number) {
  const shutdown = new GracefulShutdown(graceMs, testLogger());
  const app = new Hono()
    .get("/quick", (c) => c.text("ok"))
    .get("/slow", () => {
      let n = 0;
      let timer: NodeJS.Timeout;
      const body = new ReadableStream<string>({
        start(controller) {
          timer = setInterval(() => {
            if (shutdown.cut.signal.aborted) {
              controller.enqueue("cut");
              controller.close();
              return clearInterval(timer);
            }
            controller.enqueue(`${n}`);
            if (++n === 5) {
              controller.close();
              clearInterval(timer);
            }
          }, 100);
        },
      });
      return new Response(body.pipeThrough(new TextEncoderStream()));
    });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: shutdown.wrap(app.fetch), port: 0, hostname: "127.0.0.1" }, () =>
      resolve(s as Server),
    );
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { shutdown, server, url };
}

describe("graceful shutdown", () => {
  it("finishes requests in flight, refuses new ones, then closes", async () => {
    const { shutdown, server, url } = await start(5_000);
    const slow = fetch(`${url}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 150));
    const closed = shutdown.begin(server);
    // A new connection is refused; so is a request on a connection still open (here: the Request path).
    await expect(fetch(`${url}/quick`)).rejects.toThrow();
    const refused = await shutdown.wrap(() => new Response("no"))(new Request(`${url}/quick`), {});
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      error: { code: "server_shutting_down", type: "api_error" },
    });
    expect(await slow).toBe("01234");
    await closed;
    expect(shutdown.cut.signal.aborted).toBe(false);
  });

  it("cuts what is still running when the grace period ends", async () => {
    const { shutdown, server, url } = await start(250);
    const slow = fetch(`${url}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 150));
    const started = Date.now();
    await shutdown.begin(server);
    expect(await slow).toMatch(/cut$/);
    expect(shutdown.cut.signal.reason).toMatchObject({ code: "server_shutting_down", status: 503 });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("a second signal cuts at once, without waiting out the grace period", async () => {
    const { shutdown, server, url } = await start(60_000);
    const slow = fetch(`${url}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 150));
    void shutdown.begin(server);
    expect(shutdown.cut.signal.aborted).toBe(false);
    const closed = shutdown.begin(server);
    expect(shutdown.cut.signal.aborted).toBe(true);
    expect(await slow).toMatch(/cut$/);
    await closed;
  });
});
