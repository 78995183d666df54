import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { repoRoot } from "./shared-dir.ts";

/** Debian's Chromium (`apt-get install -y chromium`); the browser tests drive it with playwright-core. */
export const chromiumPath = process.env.MASQUE_CHROMIUM ?? "/usr/bin/chromium";

/** Where browser tests save their screenshots (gitignored). */
export const artifactsDir = path.join(repoRoot, "tests", ".artifacts");

const execFileAsync = promisify(execFile);

/**
 * Builds the web app with Vite into a fresh directory and returns it, so a
 * test never serves (or clobbers) someone else's web/dist.
 */
export async function buildWeb(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "masque-web-"));
  const webDir = path.join(repoRoot, "web");
  await execFileAsync(
    process.execPath,
    [
      path.join(webDir, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--outDir",
      outDir,
      "--emptyOutDir",
    ],
    { cwd: webDir, env: { ...process.env, NODE_ENV: "production" }, maxBuffer: 16 * 1024 * 1024 },
  );
  return outDir;
}

/** A Chromium with a fresh profile, one page, and every console error it printed. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** The profile directory (IndexedDB lives under it). */
  userDataDir: string;
  /** Console errors, page errors and failed requests, in order. */
  errors: string[];
  /** Saves a full-page screenshot as tests/.artifacts/<name>.png. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface OpenBrowserOptions {
  viewport?: { width: number; height: number };
  /** Reuse a profile (a "reload" in a new browser); default: a fresh one. */
  userDataDir?: string;
}

/** Starts Debian's Chromium headless with a fresh --user-data-dir and collects console errors. */
export async function openBrowser(options: OpenBrowserOptions = {}): Promise<BrowserSession> {
  const userDataDir = options.userDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "masque-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: options.viewport ?? { width: 1280, height: 860 },
    acceptDownloads: true,
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  fs.mkdirSync(artifactsDir, { recursive: true });
  return {
    context,
    page,
    userDataDir,
    errors,
    async screenshot(name) {
      const file = path.join(artifactsDir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: () => context.close(),
  };
}

/** Every file under `dir` (recursively) whose bytes contain `needle` in UTF-8 or UTF-16LE. */
export function filesContaining(dir: string, needle: string): string[] {
  const patterns = [Buffer.from(needle, "utf8"), Buffer.from(needle, "utf16le")];
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        const bytes = fs.readFileSync(p);
        if (patterns.some((pattern) => bytes.includes(pattern))) hits.push(p);
      }
    }
  };
  walk(dir);
  return hits;
}
