import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeSizes } from "../../../web/scripts/route-sizes.ts";
import {
  type BrowserSession,
  buildWeb,
  chromiumPath,
  filesContaining,
  type OpenBrowserOptions,
  openBrowser,
} from "../support/browser.ts";
import { freePort } from "../support/free-port.ts";
import { type MasqueProcess, startMasque } from "../support/masque-process.ts";
import { hasShared, repoRoot, sharedDir } from "../support/shared-dir.ts";

// The chat app in Debian's Chromium against the real stack: the web app built
// with Vite and served by the gateway (strict CSP), the launcher, the local
// model node and the tiny stories260K model, which streams nonsense quickly.
describe.skipIf(!hasShared("models/stories260K.gguf"))("the chat app in a browser", () => {
  let masque: MasqueProcess;
  let webDir: string;

  beforeAll(async () => {
    if (!fs.existsSync(chromiumPath)) {
      throw new Error(`${chromiumPath} is missing: apt-get update && apt-get install -y chromium`);
    }
    webDir = await buildWeb();
    // Two models that cannot serve, so the picker has something to explain: a TEE
    // model that is not attested and a third-party model without credentials.
    const providers = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), "masque-providers-")),
      "providers.json",
    );
    fs.writeFileSync(
      providers,
      JSON.stringify({
        providers: [
          { id: "tee-test", kind: "openai", baseUrl: "http://127.0.0.1:9/v1", privacy: "tee" },
          {
            id: "frontier",
            kind: "openai",
            baseUrl: "http://127.0.0.1:9/v1",
            apiKeyEnv: "MASQUE_TEST_FRONTIER_KEY_UNSET",
            privacy: "anonymized",
          },
        ],
        models: [
          {
            id: "tee-llama",
            provider: "tee-test",
            contextLength: 8192,
            pricing: { inputPerMTok: 0.2, outputPerMTok: 0.6 },
          },
          {
            id: "frontier-gpt",
            provider: "frontier",
            contextLength: 128000,
            pricing: { inputPerMTok: 2.5, outputPerMTok: 10 },
          },
        ],
      }),
    );
    masque = await startMasque({
      entry: "launcher/start.ts",
      env: {
        MASQUE_MODELS_DIR: path.join(sharedDir, "models"),
        MASQUE_LOCAL_NODE_PORT: String(await freePort()),
        // The launcher also starts a local chain (anvil); on its own port, beside other tests' stacks.
        MASQUE_CHAIN_PORT: String(await freePort()),
        MASQUE_LOCAL_THREADS: "1",
        MASQUE_WEB_DIR: webDir,
        MASQUE_PROVIDERS: providers,
      },
      timeoutMs: 90_000,
    });
  }, 180_000);

  afterAll(async () => {
    await masque?.stop();
  });

  /** Runs a test in a fresh browser; saves its screenshot and fails it on any console error. */
  async function inBrowser(
    name: string,
    body: (b: BrowserSession) => Promise<void>,
    options?: OpenBrowserOptions,
  ): Promise<void> {
    const b = await openBrowser(options);
    try {
      await b.page.goto(masque.url);
      await body(b);
    } finally {
      await b.screenshot(name).catch(() => undefined);
      await b.close();
    }
    expect(b.errors).toEqual([]);
  }

  it("streams an answer from the local model; the first token is on screen within 50 ms of its SSE event", async () => {
    await inBrowser("chat-streams", async ({ page }) => {
      await setMaxTokens(page, 400);
      // Record every change of the answer's text as it happens.
      // (A string: this runs in the page, whose DOM types the tests package does not load.)
      await page.evaluate(`
        window.samples = [];
        new MutationObserver(() => {
          const answer = document.querySelector(".message.assistant .markdown");
          if (answer) window.samples.push([performance.now(), answer.textContent.length]);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      `);
      const canary = `canary-${crypto.randomUUID()}`;
      await send(page, `Tell me a story about ${canary}`);
      await waitForAnswer(page);

      const answer = page.locator(".message.assistant .markdown").last();
      const text = (await answer.textContent()) ?? "";
      expect(text.trim().length).toBeGreaterThan(20);
      const lengths = (await page.evaluate("window.samples.map(([, n]) => n)")) as number[];
      // It streamed: the text grew in many steps, not in one.
      expect(new Set(lengths.filter((n) => n > 0 && n < text.length)).size).toBeGreaterThan(5);

      const marks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, m.startTime])),
      );
      const event = marks["masque:first-token-event"];
      const inDom = marks["masque:first-token-dom"];
      const frame = marks["masque:first-token-frame"];
      expect(event).toBeTypeOf("number");
      expect(inDom).toBeTypeOf("number");
      expect(frame).toBeTypeOf("number");
      expect((inDom ?? 0) - (event ?? 0)).toBeLessThan(50);
      expect((frame ?? 0) - (event ?? 0)).toBeLessThan(50);

      // The answer carries its privacy badge and usage; the highlighter and KaTeX were never loaded.
      const last = page.locator(".message.assistant").last();
      await expect.poll(() => last.getByRole("button", { name: /^Privacy: Local/ }).count()).toBe(1);
      expect(await last.locator(".usage").first().textContent()).toMatch(/\d+ in · \d+ out tokens · free/);
      const scripts = await page.evaluate(() => performance.getEntriesByType("resource").map((r) => r.name));
      expect(scripts.some((s) => /highlight-code|render-math/.test(s))).toBe(false);
    });
  });

  it("stops with Esc, regenerates, and branches by editing, with arrows between branches", async () => {
    await inBrowser("chat-stop-regenerate-branch", async ({ page }) => {
      await send(page, "Once upon a time");
      const answer = page.locator(".message.assistant .markdown").last();
      await expect
        .poll(async () => ((await answer.textContent()) ?? "").length, { timeout: 20_000 })
        .toBeGreaterThan(30);
      await page.keyboard.press("Escape");
      await page.getByText("Stopped.").waitFor();
      const stopped = (await page.locator(".message.assistant .markdown").last().textContent()) ?? "";
      await page.waitForTimeout(400);
      expect(await page.locator(".message.assistant .markdown").last().textContent()).toBe(stopped);

      await setMaxTokens(page, 24);
      await page.getByRole("button", { name: "Regenerate answer" }).click();
      await waitForAnswer(page);
      await page.locator(".message.assistant").getByText("2 / 2").waitFor();
      const regenerated = (await page.locator(".message.assistant .markdown").last().textContent()) ?? "";
      await page.getByRole("button", { name: "Previous answer" }).click();
      await page.locator(".message.assistant").getByText("1 / 2").waitFor();
      expect(await page.locator(".message.assistant .markdown").last().textContent()).toBe(stopped);
      await page.getByRole("button", { name: "Next answer" }).click();
      expect(await page.locator(".message.assistant .markdown").last().textContent()).toBe(regenerated);

      await page.getByRole("button", { name: "Edit message" }).click();
      await page.getByRole("textbox", { name: "Edit your message" }).fill("A dragon flew");
      await page.getByRole("button", { name: "Save & send" }).click();
      await waitForAnswer(page);
      await expect
        .poll(() => page.locator(".message.user .bubble").first().textContent())
        .toBe("A dragon flew");
      await page.locator(".message.user").getByText("2 / 2").waitFor();
      await page.getByRole("button", { name: "Previous version of this message" }).click();
      await expect
        .poll(() => page.locator(".message.user .bubble").first().textContent())
        .toBe("Once upon a time");
      // The old branch comes back whole, with the answer that was showing there.
      expect(await page.locator(".message.assistant .markdown").last().textContent()).toBe(regenerated);
    });
  });

  it("finds the conversation after a reload and by search, exports and re-imports it, and the server keeps none of it", async () => {
    await inBrowser("chat-history", async ({ page }) => {
      const canary = `zebra${crypto.randomUUID().replaceAll("-", "")}`;
      await setMaxTokens(page, 24);
      await send(page, `Remember the word ${canary}`);
      await waitForAnswer(page);
      const answerText = (
        (await page.locator(".message.assistant .markdown").last().textContent()) ?? ""
      ).trim();

      await page.reload();
      const row = page.getByRole("button", { name: `Remember the word ${canary}`, exact: true });
      await row.waitFor();
      await page.getByRole("button", { name: "New chat" }).click();
      await row.click();
      await page.locator(".message.user").getByText(canary).waitFor();

      await page.getByRole("button", { name: "New chat" }).click();
      await page.keyboard.press("Control+k");
      await page.getByRole("searchbox", { name: "Search messages" }).fill(canary.slice(0, 14).toUpperCase());
      await page.getByRole("list", { name: "Search results" }).getByRole("button").first().click();
      await page.locator(".message.user").getByText(canary).waitFor();
      expect(page.url()).toMatch(/\/c\/[\w-]+$/);

      await page.getByRole("button", { name: "Privacy & data" }).click();
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Export history (JSON)" }).click(),
      ]);
      const exported = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "masque-export-")), "history.json");
      await download.saveAs(exported);
      const file = JSON.parse(fs.readFileSync(exported, "utf8")) as {
        format: string;
        conversations: unknown[];
      };
      expect(file.format).toBe("masque-history");
      expect(file.conversations).toHaveLength(1);
      expect(fs.readFileSync(exported, "utf8")).toContain(canary);
      await page.getByRole("button", { name: "Close" }).click();

      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: `Options for Remember the word ${canary}` }).click();
      await page.getByRole("button", { name: "Delete" }).click();
      await expect.poll(() => row.count()).toBe(0);

      await page.getByRole("button", { name: "Privacy & data" }).click();
      const importer = page.getByLabel("Import (Masque JSON or ChatGPT conversations.json)");
      await importer.setInputFiles(exported);
      await page.getByText("Imported 1 conversation.").waitFor();
      await importer.setInputFiles(
        path.join(repoRoot, "web/src/history/fixtures/chatgpt-conversations.json"),
      );
      await page.getByText("Imported 1 conversation.").waitFor();
      await page.getByRole("button", { name: "Close" }).click();
      await row.click();
      await page.locator(".message.user").getByText(canary).waitFor();
      await page.getByRole("button", { name: "Paris trip", exact: true }).click();
      await page.getByText("It looks lovely.").waitFor();

      // Nothing of the conversation is in the server's data directory, in any file.
      expect(filesContaining(masque.dataDir, canary)).toEqual([]);
      if (answerText.length >= 16)
        expect(filesContaining(masque.dataDir, answerText.slice(0, 16))).toEqual([]);
      expect(masque.output()).not.toContain(canary);
    });
  });

  it("encrypts the history with a passphrase: nothing readable in IndexedDB, a lock screen, wrong passphrase refused", async () => {
    const canary = `okapi${crypto.randomUUID().replaceAll("-", "")}`;
    let profile = "";
    await inBrowser("chat-encrypted", async (b) => {
      const { page } = b;
      profile = b.userDataDir;
      await page.getByRole("button", { name: "Privacy & data" }).click();
      await page.getByLabel("New passphrase").fill("correct horse battery staple");
      await page.getByLabel("Repeat passphrase").fill("correct horse battery staple");
      await page.getByRole("button", { name: "Encrypt history" }).click();
      await page.getByText("Your history is now encrypted.").waitFor({ timeout: 20_000 });
      await page.getByRole("button", { name: "Close" }).click();

      await setMaxTokens(page, 16);
      await send(page, `Keep ${canary} secret`);
      await waitForAnswer(page);
      await page.waitForTimeout(300);

      await page.reload();
      await page.getByRole("heading", { name: "Masque is locked" }).waitFor();
      await page.getByLabel("Passphrase").fill("wrong horse");
      await page.getByRole("button", { name: "Unlock" }).click();
      await page.getByRole("alert").getByText("That passphrase is not right.").waitFor({ timeout: 20_000 });
      await page.getByLabel("Passphrase").fill("correct horse battery staple");
      await page.getByRole("button", { name: "Unlock" }).click();
      await page.locator(".message.user").getByText(canary).waitFor({ timeout: 20_000 });

      await page.getByRole("button", { name: "Lock" }).click();
      await page.getByRole("heading", { name: "Masque is locked" }).waitFor();
      expect(await page.getByText(canary).count()).toBe(0);
    });
    // The browser is closed, so its IndexedDB files are complete on disk.
    const idb = path.join(profile, "Default", "IndexedDB");
    expect(fs.existsSync(idb)).toBe(true);
    expect(filesContaining(idb, canary)).toEqual([]);
    expect(filesContaining(masque.dataDir, canary)).toEqual([]);
  });

  it("works on a phone-sized screen, groups models by privacy, explains unavailable ones, and names every control", async () => {
    await inBrowser(
      "chat-phone",
      async ({ page, context }) => {
        await page.getByRole("button", { name: "Open history" }).click();
        await page.getByRole("button", { name: "New chat" }).waitFor();
        // The drawer covers most of the screen: tap the strip of scrim beside it.
        await page.getByRole("button", { name: "Close history" }).click({ position: { x: 375, y: 400 } });

        await page.getByRole("button", { name: /^Model: stories260K/ }).click();
        const list = page.getByRole("listbox", { name: "Models, grouped by privacy" });
        await list.waitFor();
        expect(await list.getByRole("group").allTextContents()).toEqual([
          expect.stringContaining("TEE verified"),
          expect.stringContaining("Anonymized"),
          expect.stringContaining("Local"),
        ]);
        const tee = list.getByRole("option", { name: /tee-llama/ });
        expect(await tee.getAttribute("aria-disabled")).toBe("true");
        expect(await tee.textContent()).toMatch(/Unavailable: .{8,}/);
        const frontier = list.getByRole("option", { name: /frontier-gpt/ });
        expect(await frontier.getAttribute("aria-disabled")).toBe("true");
        await tee.click({ force: true });
        expect(await list.isVisible()).toBe(true);
        await page.screenshot({ path: path.join(repoRoot, "tests/.artifacts/chat-phone-models.png") });
        await page.keyboard.press("Escape");
        await expect.poll(() => list.count()).toBe(0);
        expect(await page.getByRole("button", { name: /^Model: stories260K/ }).count()).toBe(1);

        // Every control in the accessibility tree has a name (with the drawer open, so it has the most).
        await page.getByRole("button", { name: "Open history" }).click();
        await page.getByRole("button", { name: "Privacy & data" }).waitFor();
        await page.waitForTimeout(300); // the drawer slides in
        const cdp = await context.newCDPSession(page);
        const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
          nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string } }>;
        };
        const controls = nodes.filter(
          (n) =>
            !n.ignored &&
            ["button", "textbox", "searchbox", "combobox", "listbox", "option", "checkbox", "link"].includes(
              n.role?.value ?? "",
            ),
        );
        expect(controls.length).toBeGreaterThan(8);
        expect(controls.filter((n) => !n.name?.value?.trim()).map((n) => n.role?.value)).toEqual([]);
      },
      { viewport: { width: 390, height: 844 } },
    );
  });

  it("renders tables, math and highlighted code with a copy button under the CSP; characters; rename, pin and archive", async () => {
    const answer = [
      "| Planet | Moons |",
      "|---|---|",
      "| Mars | 2 |",
      "",
      "Euler: $e^{i\\pi}+1=0$",
      "",
      "$$\\int_0^1 x\\,dx = \\tfrac12$$",
      "",
      "```python",
      "def hello():",
      '    return "world"',
      "```",
    ].join("\n");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "masque-import-")), "sampler.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        format: "masque-history",
        version: 1,
        exportedAt: new Date().toISOString(),
        presets: [],
        conversations: [
          {
            id: "sampler",
            title: "Markdown sampler",
            createdAt: 1,
            updatedAt: 2,
            pinned: false,
            archived: false,
            systemPrompt: "",
            tree: {
              selected: {},
              messages: {
                q: { id: "q", parentId: null, role: "user", content: "Show me everything", createdAt: 1 },
                a: {
                  id: "a",
                  parentId: "q",
                  role: "assistant",
                  content: answer,
                  createdAt: 2,
                  status: "done",
                  model: "frontier-gpt",
                  meta: { privacy: "anonymized", redactions: { email: 2 } },
                },
              },
            },
          },
        ],
      }),
    );
    await inBrowser("chat-markdown", async ({ page, context }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: masque.url });
      await page.getByRole("button", { name: "Privacy & data" }).click();
      await page.getByLabel("Import (Masque JSON or ChatGPT conversations.json)").setInputFiles(file);
      await page.getByText("Imported 1 conversation.").waitFor();
      await page.getByRole("button", { name: "Close" }).click();
      await page.getByRole("button", { name: "Markdown sampler", exact: true }).click();

      const md = page.locator(".message.assistant .markdown");
      await md.locator("table td", { hasText: "Mars" }).waitFor();
      await expect.poll(() => md.locator(".katex").count()).toBe(2);
      await md.locator("code .hljs-keyword", { hasText: "def" }).waitFor();
      await md.getByRole("button", { name: "Copy code" }).click();
      await expect
        .poll(() => page.evaluate("navigator.clipboard.readText()"))
        .toBe('def hello():\n    return "world"');

      await page.getByRole("button", { name: /^Privacy: Anonymized/ }).click();
      await page.getByText("Redacted before it left: 2 email.").waitFor();
      await page.screenshot({ path: path.join(repoRoot, "tests/.artifacts/chat-markdown-rendered.png") });

      const options = () => page.getByRole("button", { name: /^Options for / });
      await options().click();
      await page.getByRole("button", { name: "Rename" }).click();
      await page.getByRole("textbox", { name: "New title" }).fill("Renamed sampler");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByRole("heading", { name: "Renamed sampler" }).waitFor();
      await options().click();
      await page.getByRole("button", { name: "Pin", exact: true }).click();
      await page.getByRole("heading", { name: "Pinned" }).waitFor();
      await options().click();
      await page.getByRole("button", { name: "Archive", exact: true }).click();
      await page.getByRole("button", { name: "Show archived (1)" }).click();
      await page.getByRole("button", { name: "Options for Renamed sampler" }).click();
      await page.getByRole("button", { name: "Unarchive" }).waitFor();

      await page.getByRole("button", { name: "Characters" }).click();
      await page.getByRole("button", { name: "New character" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Pirate");
      await page.getByLabel("System prompt").fill("Talk like a pirate.");
      await page.getByRole("button", { name: "Save character" }).click();
      await page.getByRole("button", { name: "Start a chat with Pirate" }).click();
      await page.getByRole("heading", { name: "New chat · Pirate" }).waitFor();
      await page.getByRole("button", { name: "Chat settings" }).click();
      expect(await page.getByLabel("System prompt").inputValue()).toBe("Talk like a pirate.");
      await page.getByRole("button", { name: "Cancel" }).click();
    });
  });

  it("keeps the chat route's initial JavaScript within 250 KB gzip", () => {
    const chat = routeSizes(webDir).find((r) => r.route === "chat");
    expect(chat?.js.gzip).toBeGreaterThan(10_000);
    expect(chat?.js.gzip).toBeLessThanOrEqual(250 * 1024);
  });
});

async function setMaxTokens(page: Page, tokens: number): Promise<void> {
  await page.getByRole("button", { name: "Chat settings" }).click();
  await page.getByLabel("Longest answer (tokens)").fill(String(tokens));
  await page.getByRole("button", { name: "Save settings" }).click();
}

/** Types a message and sends it with Enter; resolves once its answer has begun (it may already be done). */
async function send(page: Page, text: string): Promise<void> {
  const answers = await page.locator(".message.assistant").count();
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await expect.poll(() => page.getByRole("button", { name: "Send message" }).isEnabled()).toBe(true);
  await box.press("Enter");
  await expect.poll(() => page.locator(".message.assistant").count()).toBeGreaterThan(answers);
}

async function waitForAnswer(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Send message" }).waitFor({ timeout: 60_000 });
  await expect.poll(() => page.locator('.message.assistant[aria-busy="true"]').count()).toBe(0);
}
