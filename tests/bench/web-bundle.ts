import { execFileSync } from "node:child_process";
import path from "node:path";
import { routeSizes } from "@masque/web/scripts/route-sizes";
import { repoRoot } from "../src/support/shared-dir.ts";
import type { BenchResult } from "./bench-result.ts";

const BUDGET_GZIP = 250 * 1024;

/** Initial JS and CSS per web route, gzipped, from a fresh production build. */
export default async function webBundleBench(): Promise<BenchResult> {
  const webDir = path.join(repoRoot, "web");
  execFileSync(process.execPath, [path.join(webDir, "node_modules/vite/bin/vite.js"), "build"], {
    cwd: webDir,
    stdio: "ignore",
  });
  const sizes = routeSizes(path.join(webDir, "dist"));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const chat = sizes.find((s) => s.route === "chat");
  return {
    name: "web-bundle",
    description:
      "What each route downloads before it can show anything (entry + route chunk + static imports).",
    rows: sizes.map((s) => ({
      route: s.route,
      "JS gzip": kb(s.js.gzip),
      "JS raw": kb(s.js.raw),
      "CSS gzip": kb(s.css.gzip),
    })),
    raw: sizes,
    goals: [
      {
        goal: "chat route initial JS ≤ 250 KB gzip",
        met: (chat?.js.gzip ?? Number.POSITIVE_INFINITY) <= BUDGET_GZIP,
        value: chat ? kb(chat.js.gzip) : "no chat route",
      },
    ],
  };
}
