import fs from "node:fs";
import path from "node:path";
import { anvilAccounts } from "@masque/contracts-abi/deploy";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeSizes } from "../../../web/scripts/route-sizes.ts";
import {
  artifactsDir,
  type BrowserSession,
  buildWeb,
  chromiumPath,
  openBrowser,
} from "../support/browser.ts";
import {
  advanceChainTime,
  type ChainInfo,
  runBuybackJob,
  subscribeFromNode,
} from "../support/browser-chain.ts";
import { type MasqueProcess, startMasque, tempDataDir } from "../support/masque-process.ts";

// The plans, token, keys and account pages in Debian's Chromium against the
// `pnpm start` stack with its local chain (anvil). wagmi's mock connector
// stands in for a browser wallet: it sends everything to anvil, which signs
// for its own dev accounts. Anvil accounts #6 (paying for a plan) and #7
// (staking, and proving a burn) are this file's; no other test uses them.
type DevAccount = { address: `0x${string}`; privateKey: `0x${string}` };
const payer = anvilAccounts(10)[6] as DevAccount;
const staker = anvilAccounts(10)[7] as DevAccount;

describe("wallet, plans, keys and the token page in a browser", () => {
  let masque: MasqueProcess;
  let webDir: string;
  let chain: ChainInfo;

  beforeAll(async () => {
    if (!fs.existsSync(chromiumPath)) {
      throw new Error(`${chromiumPath} is missing: apt-get update && apt-get install -y chromium`);
    }
    webDir = await buildWeb();
    const dataDir = tempDataDir();
    masque = await startMasque({
      entry: "launcher/start.ts",
      dataDir,
      env: {
        MASQUE_WEB_DIR: webDir,
        // No model needed here: an empty models directory keeps the local node idle.
        MASQUE_MODELS_DIR: fs.mkdtempSync(path.join(dataDir, "models-")),
        MASQUE_CHAIN_POLL_MS: "250",
        MASQUE_DIEM_REFRESH_MS: "500",
      },
      timeoutMs: 120_000,
    });
    chain = (await (await fetch(`${masque.url}/api/chain`)).json()) as ChainInfo;
  }, 240_000);

  afterAll(async () => {
    await masque?.stop();
  });

  /** Runs a test in a fresh browser with the test wallet; saves a screenshot and fails on any console error. */
  async function inBrowser(
    name: string,
    pathname: string,
    body: (b: BrowserSession) => Promise<void>,
    options: { wallet?: DevAccount; viewport?: { width: number; height: number } } = {},
  ): Promise<void> {
    const b = await openBrowser(options.viewport ? { viewport: options.viewport } : {});
    try {
      await b.context.addInitScript(
        `localStorage.setItem("masque.testWallet", ${JSON.stringify((options.wallet ?? staker).address)});`,
      );
      await b.page.goto(`${masque.url}${pathname}`);
      await body(b);
    } finally {
      await b.screenshot(name).catch(() => undefined);
      await b.close();
    }
    expect(b.errors).toEqual([]);
  }

  it("connects the mock wallet, signs in with Ethereum, subscribes to Pro with USDC and sees the tier change", async () => {
    await inBrowser(
      "wallet-plans",
      "/plans",
      async ({ page }) => {
        await page.getByRole("list", { name: "Plans" }).getByRole("listitem").nth(3).waitFor();
        expect(
          await page.getByRole("list", { name: "Plans" }).getByRole("heading").allTextContents(),
        ).toEqual(["Free", "Pro", "Pro+", "Max"]);
        await page.getByTestId("current-plan").getByText("You are on Free.").waitFor();
        await connectAndSignIn(page);
        await recordWriteStates(page);

        await page.getByRole("button", { name: "Subscribe to Pro with USDC" }).click();
        await page.locator('[data-state="confirmed"]').waitFor({ timeout: 60_000 });
        await page
          .getByTestId("current-plan")
          .getByText(/^You are on Pro, paid until .+ \(30 days left\)/)
          .waitFor({ timeout: 30_000 });
        await page.getByText("You are on Pro now.").waitFor();
        // Approve, then subscribe: each waited for the wallet, then was pending with its hash.
        const seen = (await page.evaluate("window.writeStates")) as Array<[string, string]>;
        const states = seen.map(([state]) => state);
        expect(states).toEqual(expect.arrayContaining(["wallet", "pending", "confirmed"]));
        expect(seen.some(([state, text]) => state === "pending" && /step 1 of 2/.test(text))).toBe(true);
        const hash = await page.locator('[data-state="confirmed"] [data-hash]').getAttribute("data-hash");
        expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
        const receipt = (await (
          await fetch(chain.rpc_url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              jsonrpc: "2.0",
              id: 1,
              method: "eth_getTransactionReceipt",
              params: [hash],
            }),
          })
        ).json()) as { result: { status: string; from: string; to: string } };
        expect(receipt.result.status).toBe("0x1");
        expect(receipt.result.from.toLowerCase()).toBe(payer.address.toLowerCase());
        expect(receipt.result.to.toLowerCase()).toBe(chain.contracts.subscriptions?.toLowerCase());
        expect(await page.locator(".plan.current h3").textContent()).toBe("Pro");
      },
      { wallet: payer },
    );
  });

  it("stakes VVV, starts an unstake with its countdown, mints and stakes DIEM, and sees today's credit", async () => {
    await inBrowser("wallet-token-staking", "/token", async ({ page }) => {
      await connectAndSignIn(page);
      const stake = page.getByRole("region", { name: "Stake VVV" });
      await stake.getByRole("textbox", { name: "VVV to stake" }).fill("1000");
      await stake.getByRole("button", { name: "Stake", exact: true }).click();
      await confirmed(stake);

      const unstake = page.getByRole("region", { name: "Unstake" });
      await unstake.getByRole("textbox", { name: "sVVV to unstake" }).fill("10");
      await unstake.getByRole("button", { name: "Start the 7-day cooldown" }).click();
      await confirmed(unstake);
      await unstake
        .getByRole("timer")
        .getByText(/10 VVV unstaking: available in [67]d \d+h \d+m \d+s/)
        .waitFor();

      const mint = page.getByRole("region", { name: "Mint DIEM" });
      await expect.poll(() => mint.getByTestId("mint-rate").textContent()).toMatch(/^90 sVVV per DIEM$/);
      await mint.getByRole("textbox", { name: "sVVV to lock" }).fill("900");
      await mint
        .getByTestId("diem-out")
        .getByText(/^You get 9\.\d+ DIEM|^You get 10 DIEM/)
        .waitFor();
      await mint.getByRole("button", { name: "Mint DIEM" }).click();
      await confirmed(mint);

      const stakeDiem = page.getByRole("region", { name: "Stake DIEM for credit" });
      await stakeDiem.getByRole("button", { name: "Max DIEM to stake" }).click();
      await stakeDiem.getByRole("button", { name: "Stake DIEM" }).click();
      await confirmed(stakeDiem);
      // The gateway reads the staked DIEM from the chain: about $1 a day for each.
      await stakeDiem
        .getByTestId("diem-credit")
        .getByText(/Today's credit: \$(9|10)\.\d\d, \$(9|10)\.\d\d left/)
        .waitFor({ timeout: 30_000 });
      const balances = page.getByRole("definition");
      expect((await balances.allTextContents()).length).toBeGreaterThan(4);
    });
  });

  it("after a buyback job, shows the burn on the token page and verifies the payment's proof in the browser", async () => {
    await inBrowser("wallet-token-burn", "/token", async ({ page }) => {
      await connectAndSignIn(page);
      // A payment of its own (the wallet is linked to this browser's account now).
      await subscribeFromNode(chain, staker.privateKey, "pro_plus");
      const proofs = page.getByRole("region", { name: "Prove my payment was burned" });
      await expect
        .poll(
          async () => {
            await page.reload();
            await proofs
              .getByRole("button")
              .first()
              .waitFor({ timeout: 10_000 })
              .catch(() => undefined);
            return proofs.getByRole("button", { name: /^Prove receipt \d+ was burned$/ }).count();
          },
          { timeout: 30_000, interval: 500 },
        )
        .toBeGreaterThan(0);

      // The buyback prices against a TWAP of at least 30 minutes: let chain time pass, then run the job once.
      await advanceChainTime(chain.rpc_url, 31 * 60);
      const job = await runBuybackJob(masque.dataDir, chain.rpc_url);
      expect(JSON.parse(job.stdout.trim().split("\n").at(-1) ?? "{}"), job.stderr).toMatchObject({
        status: "burned",
      });

      const burns = page.getByRole("table", { name: "Burns" });
      await expect
        .poll(
          async () => {
            await page.reload();
            await burns.waitFor({ timeout: 5_000 }).catch(() => undefined);
            return burns.getByRole("row").count();
          },
          { timeout: 30_000, interval: 500 },
        )
        .toBeGreaterThan(1);
      const row = burns.getByRole("row").nth(1);
      expect(await row.textContent()).toMatch(/#\d+.*USDC.*VVV/);
      expect(await row.locator("[data-hash]").getAttribute("data-hash")).toMatch(/^0x[0-9a-f]{64}$/);
      await page.getByRole("img", { name: "VVV burned per buyback batch" }).waitFor();

      const prove = proofs.getByRole("button", { name: /^Prove receipt \d+ was burned$/ }).first();
      await prove.click();
      await proofs.getByText(/^Verified in your browser: receipt #\d+ was burned in batch #\d+/).waitFor({
        timeout: 30_000,
      });
      const checks = proofs.getByRole("list", { name: /^Checks of receipt/ }).getByRole("listitem");
      const texts = await checks.allTextContents();
      expect(texts.map((t) => t.split(":")[0]?.replace("✓ ", "").trim())).toEqual(
        expect.arrayContaining([
          "Contract passed",
          "Leaf passed",
          "Merkle root passed",
          "On-chain check passed",
        ]),
      );
      expect(texts.every((t) => t.includes("passed"))).toBe(true);
    });
  });

  it("creates an API key shown once with a copy button, lists it with its limit and privacy, and revokes it", async () => {
    await inBrowser("keys", "/keys", async ({ page, context }) => {
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: masque.url });
      await page.getByLabel("Label", { exact: true }).fill("browser test");
      await page.getByLabel("USD", { exact: true }).fill("5");
      await page.getByLabel("Limit period").selectOption("day");
      await page.getByLabel(/Private models only/).check();
      await page.getByRole("button", { name: "Create key" }).click();
      const secret = page.getByRole("textbox", { name: "New API key" });
      await secret.waitFor();
      const key = await secret.inputValue();
      expect(key).toMatch(/^msq_/);
      await page.getByRole("button", { name: "Copy the new key" }).click();
      await expect.poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(key);

      // The key works against the API, and it is listed by its prefix only.
      const models = await fetch(`${masque.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      expect(models.status).toBe(200);
      const row = page.getByRole("row", { name: /browser test/ });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/Private only.*\$5 a day.*active/);
      expect(await row.textContent()).not.toContain(key);
      await page.getByRole("button", { name: "Done" }).click();
      expect(await page.getByText(key).count()).toBe(0);

      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Revoke browser test" }).click();
      await expect.poll(() => row.textContent()).toMatch(/revoked/);
      const after = await fetch(`${masque.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      expect(after.status).toBe(401);
      await page.getByRole("img", { name: /^Tokens by day and model, last 30 days$/ }).waitFor();
    });
  });

  it("works on a phone-sized screen with a name on every control, page by page", async () => {
    await inBrowser(
      "wallet-phone",
      "/plans",
      async ({ page, context }) => {
        for (const [pathname, heading] of [
          ["/plans", "Plans"],
          ["/token", "VVV and DIEM"],
          ["/keys", "API keys"],
          ["/account", "Account"],
        ] as const) {
          await page
            .getByRole("navigation", { name: "Pages" })
            .getByRole("link", { name: heading === "VVV and DIEM" ? "Token" : heading })
            .click();
          await page.getByRole("heading", { level: 1, name: heading }).waitFor();
          expect(new URL(page.url()).pathname).toBe(pathname);
          await page.waitForLoadState("networkidle");
          await page.screenshot({
            path: path.join(artifactsDir, `wallet-phone-${pathname.slice(1)}.png`),
            fullPage: true,
          });
          // Nothing wider than the screen.
          expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")).toBe(
            true,
          );
          const cdp = await context.newCDPSession(page);
          const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as {
            nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string } }>;
          };
          const controls = nodes.filter(
            (n) =>
              !n.ignored &&
              ["button", "textbox", "combobox", "checkbox", "link", "spinbutton"].includes(
                n.role?.value ?? "",
              ),
          );
          expect(controls.length).toBeGreaterThan(4);
          expect(
            controls.filter((n) => !n.name?.value?.trim()).map((n) => `${pathname}: ${n.role?.value}`),
          ).toEqual([]);
          await cdp.detach();
        }
      },
      { viewport: { width: 390, height: 844 } },
    );
  });

  it("keeps wallet and chart code out of the chat route", () => {
    const sizes = routeSizes(webDir);
    const chat = sizes.find((r) => r.route === "chat");
    const token = sizes.find((r) => r.route === "token");
    expect(chat?.js.gzip).toBeLessThanOrEqual(250 * 1024);
    // wagmi and viem's wallet actions come only with the pages that use them.
    expect(token?.js.gzip ?? 0).toBeGreaterThan((chat?.js.gzip ?? 0) + 20 * 1024);
    const chatFiles = chat?.files.join(" ") ?? "";
    expect(chatFiles).not.toMatch(/wagmi|wallet|bar-chart|token-route|plans-route/);
  });
});

/** Connects wagmi's mock connector (the anvil account) and signs in with Ethereum. */
async function connectAndSignIn(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect Test wallet" }).click();
  await page.getByText(/^Connected:/).waitFor();
  await page.getByRole("button", { name: "Sign in with Ethereum" }).click();
  await page.getByText("Signed in with this wallet.").waitFor({ timeout: 20_000 });
}

/** Waits until the write in this part of the page is confirmed (failing fast on a failed one). */
async function confirmed(region: ReturnType<Page["getByRole"]>): Promise<void> {
  const status = region.locator("[data-state]").first();
  await expect
    .poll(
      async () => {
        const state = await status.getAttribute("data-state").catch(() => null);
        if (state === "failed") throw new Error(`write failed: ${await status.textContent()}`);
        return state;
      },
      { timeout: 60_000, interval: 200 },
    )
    .toBe("confirmed");
}

/** Records every write state the page shows, with its text, in `window.writeStates`. */
async function recordWriteStates(page: Page): Promise<void> {
  await page.evaluate(`
    window.writeStates = [];
    new MutationObserver(() => {
      for (const el of document.querySelectorAll("[data-state]")) {
        const entry = [el.getAttribute("data-state"), el.textContent];
        const last = window.writeStates[window.writeStates.length - 1];
        if (!last || last[0] !== entry[0] || last[1] !== entry[1]) window.writeStates.push(entry);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  `);
}
