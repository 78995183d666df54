import net from "node:net";

/**
 * A TCP port on 127.0.0.1 that is free now, picked below the kernel's
 * ephemeral range (32768+ on Linux). Ports from that range can be taken by any
 * outgoing connection between our check and the child process binding them,
 * which made parallel test files collide.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canBind(port)) return port;
  }
  throw new Error("no free port found between 20000 and 32000");
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
