// Preloaded (`node --import`) into the Portkey gateway's start-server.js, which the benchmarks run
// unmodified. Two adjustments, neither on its request path's hot code:
//
// 1. It listens on every interface when given only a port: bind it to 127.0.0.1, as every benchmark
//    process is.
// 2. On Node it fails every streamed chat completion with `TypeError: immutable`: @hono/node-server's
//    Response keeps the upstream fetch Response's (immutable) headers, and Portkey then changes them
//    (Portkey-AI/gateway#1389, #1550). A streamed upstream response is copied into a Response with
//    headers of its own first, as Portkey's proposed fix does (Portkey-AI/gateway#1551); one object
//    per stream.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === "number" && typeof args[1] !== "string") {
    if (args.length > 1 && args[1] === undefined) args.splice(1, 1);
    args.splice(1, 0, "127.0.0.1");
  } else if (typeof args[0] === "object" && args[0] !== null && !args[0].host && !args[0].path) {
    args[0] = { ...args[0], host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};

// Captured before @hono/node-server replaces the global Response with its own.
const NativeResponse = globalThis.Response;
const fetch = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const response = await fetch(...args);
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) return response;
  return new NativeResponse(response.body, response);
};
