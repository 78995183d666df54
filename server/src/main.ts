import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { readDeployments } from "@masque/contracts-abi/deploy";
import Stripe from "stripe";
import { createPublicClient, http, type PublicClient } from "viem";
import { createApp } from "./app.ts";
import { TeeAttestations } from "./attestation/tee-attestations.ts";
import { BoundedDiemCredit } from "./billing/bounded-diem-credit.ts";
import { releaseStaleHolds } from "./billing/release-stale-holds.ts";
import { chainSettings } from "./chain/chain-settings.ts";
import { ChainDiemCredit } from "./chain/diem-credit-reader.ts";
import { startChainJobs } from "./chain/start-chain-jobs.ts";
import { loadConfigOrExit } from "./config/env.ts";
import { flushCommits } from "./db/group-commit.ts";
import { openDatabase } from "./db/open-database.ts";
import { answerClientError, answerListenerError } from "./http/client-error.ts";
import { GracefulShutdown } from "./http/graceful-shutdown.ts";
import { RateLimiter } from "./limits/rate-limiter.ts";
import { createLogger } from "./logging/logger.ts";
import { warmUpPiiDetection } from "./privacy/detect/detect-pii.ts";
import { ModelCatalog } from "./routing/model-catalog.ts";
import { loadProviders } from "./routing/providers-config.ts";

/**
 * The API server alone (`pnpm serve`): providers and chain live elsewhere.
 * `pnpm start` runs this too, after starting the local parts it points at.
 */
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
let providers: ReturnType<typeof loadProviders>;
try {
  providers = loadProviders(config.providersFile, config.localNodeUrl);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
// Load the PII word lists now, not on the first anonymized request.
warmUpPiiDetection();
const db = openDatabase(config.dataDir);
// Holds left by a process killed mid-request (past its grace period) are returned, uncharged.
const released = releaseStaleHolds(db, new Date());
if (released > 0) logger.warn({ released }, "released credit holds left by an earlier run");
const deployments = await readDeployments(config.deploymentsFile);
if (config.chainRpc && !deployments) {
  logger.warn(
    { deploymentsFile: config.deploymentsFile },
    "a chain RPC is set but no deployments file: chain features are off",
  );
}
const catalog = new ModelCatalog(providers, { logger });
await catalog.refresh();
const stopRefreshing = catalog.startRefreshing(30_000);

// TEE models serve only once verified: checks start now and repeat on schedule.
const teeModels = catalog.list().filter((m) => m.privacy === "tee");
const attestations = teeModels.length > 0 ? new TeeAttestations(teeModels, { logger }) : undefined;
if (attestations) {
  catalog.useTeeStatus(attestations);
  void attestations.verifyAll();
}
const stopAttesting = attestations?.start();

// The chain: DIEM credit read per account, and subscription payments followed.
const chainClient =
  config.chainRpc && deployments
    ? (createPublicClient({ transport: http(config.chainRpc, { batch: true }) }) as PublicClient)
    : undefined;
const stopChainJobs =
  chainClient && deployments
    ? startChainJobs({
        db,
        client: chainClient,
        deployments,
        confirmations: config.chainConfirmations,
        pollMs: config.chainPollMs,
        logger,
        buyback: buybackJob(),
      })
    : undefined;

/** The buyback job's settings, when a keeper key is known (on the local chain: anvil's dev keeper). */
function buybackJob() {
  const { keeper, treasury } = chainSettings(config, deployments);
  if (!keeper) {
    logger.warn("no keeper key (MASQUE_KEEPER_KEY): the buyback job does not run in this process");
    return undefined;
  }
  return { ...config.buyback, keeper, treasury };
}

const cards = config.stripe && {
  stripe: new Stripe(config.stripe.secretKey, stripeConnection(config.stripe.apiBase)),
  webhookSecret: config.stripe.webhookSecret,
  publicUrl: config.publicUrl,
};

const shutdown = new GracefulShutdown(config.shutdownGraceMs, logger);

const app = createApp({
  db,
  catalog,
  attestations,
  rateLimiter: new RateLimiter(),
  diemCredit:
    chainClient && deployments
      ? // A slow or unreachable chain never holds a chat up: a late read counts as stale.
        new BoundedDiemCredit(
          new ChainDiemCredit(db, chainClient, deployments.contracts.diem, config.diemRefreshMs),
        )
      : undefined,
  logger,
  upstreamTimeoutMs: config.upstreamTimeoutMs,
  shutdown: shutdown.cut.signal,
  authRateLimit: config.authRateLimit,
  maxBodyBytes: config.maxBodyBytes,
  webDir: config.webDir,
  cards,
  chain: deployments && {
    deployments,
    publicRpcUrl: config.publicChainRpc,
    client: chainClient,
    confirmations: config.chainConfirmations,
  },
  siwe: {
    publicUrl: config.publicUrl,
    chainId: config.chainId,
    // With a chain, contract wallets can sign in too (ERC-1271/6492 through the RPC).
    client: chainClient,
  },
});

// The listener is @hono/node-server's, on a server of our own, so that a request it cannot turn
// into a URL gets our error shape too.
const server = createServer(
  getRequestListener(shutdown.wrap(app.fetch), {
    hostname: config.host,
    errorHandler: answerListenerError,
  }),
);
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  logger.info({ url: `http://${config.host}:${port}` }, "masque gateway listening");
});
// Requests Node's parser refuses (oversized headers, bad syntax) still get OpenAI's error shape.
server.on("clientError", answerClientError);

// SIGTERM: refuse new requests, let those in flight finish within the grace period, then exit.
// A second signal cuts the rest at once.
const stop = async () => {
  stopRefreshing();
  stopAttesting?.();
  stopChainJobs?.();
  await shutdown.begin(server);
  // Let the last cancelled streams settle before the store closes.
  await new Promise((r) => setTimeout(r, 50));
  flushCommits(db);
  db.$client.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

/** The Stripe SDK's host settings for a non-default API base (a proxy, or a local stand-in in tests). */
function stripeConnection(apiBase: string | undefined): Stripe.StripeConfig {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  return {
    host: url.hostname,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    protocol: url.protocol === "https:" ? "https" : "http",
  };
}
