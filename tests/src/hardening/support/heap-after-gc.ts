import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What `process.memoryUsage()` says, in bytes. */
export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/**
 * Collects all garbage in a process started with `--inspect=127.0.0.1:<port>`
 * and reads its memory usage, through the DevTools protocol. Heap used after a
 * full collection is what a leak grows; resident memory also holds what V8 and
 * malloc keep for later, so it alone cannot tell a leak from a warm heap.
 */
export async function heapAfterGc(inspectPort: number): Promise<MemoryUsage> {
  const script = `
    const list = await (await fetch("http://127.0.0.1:${inspectPort}/json/list")).json();
    const ws = new WebSocket(list[0].webSocketDebuggerUrl);
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
    let id = 0;
    const call = (method, params = {}) => new Promise((resolve) => {
      const mine = ++id;
      ws.addEventListener("message", function listen(event) {
        const message = JSON.parse(event.data);
        if (message.id !== mine) return;
        ws.removeEventListener("message", listen);
        resolve(message.result);
      });
      ws.send(JSON.stringify({ id: mine, method, params }));
    });
    // Twice: what the first collection frees may hold the last references to more.
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage");
    const usage = await call("Runtime.evaluate", {
      expression: "JSON.stringify(process.memoryUsage())",
      returnByValue: true,
    });
    console.log(usage.result.value);
    ws.close();
  `;
  const { stdout } = await run(process.execPath, [
    "--experimental-websocket",
    "--no-warnings",
    "--input-type=module",
    "-e",
    script,
  ]);
  return JSON.parse(stdout) as MemoryUsage;
}
