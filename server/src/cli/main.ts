import { parseArgs } from "node:util";
import { readDeployments } from "@masque/contracts-abi/deploy";
import { MICRO_USD, type TierId, tierIds } from "@masque/shared";
import { eq } from "drizzle-orm";
import { createPublicClient, http, type PublicClient } from "viem";
import { createApiKey, listApiKeys, revokeApiKey } from "../auth/api-keys.ts";
import { grantUsd } from "../billing/grant-credit.ts";
import { type BuybackRun, runBuybackJob } from "../buyback/buyback-job.ts";
import { chainSettings } from "../chain/chain-settings.ts";
import { indexTokenEvents } from "../chain/token-indexer.ts";
import { loadConfigOrExit } from "../config/env.ts";
import { openDatabase } from "../db/open-database.ts";
import { accounts } from "../db/schema.ts";
import { createLogger } from "../logging/logger.ts";

/**
 * The operator CLI (`pnpm masque …`), against the same MASQUE_DATA_DIR as the
 * server. Output meant for scripts goes to stdout; everything else to stderr.
 */
const usage = `Usage:
  pnpm masque keys create [--tier ${tierIds.join("|")}] [--label LABEL] [--admin] [--expires-days N]
                          [--balance-usd N] [--private-only]
  pnpm masque keys list
  pnpm masque keys revoke <key-id>
  pnpm masque credits grant <account-id|key-id> <usd>
  pnpm masque jobs run buyback`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

const [group, command, ...rest] = process.argv.slice(2);
if (!group || !command) fail("No command.");

const config = loadConfigOrExit();

/** Parses a positive dollar amount into micro-USD, or fails naming the argument. */
function microUsd(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!value || !Number.isFinite(n) || n <= 0) fail(`${name} must be a positive amount of US dollars.`);
  return Math.round(n * MICRO_USD);
}

if (group === "credits") {
  if (command !== "grant") fail(`Unknown command 'credits ${command}'.`);
  const [target, amount] = rest;
  if (!target) fail("Name the account or key to credit.");
  const micro = microUsd(amount, "<usd>");
  const db = openDatabase(config.dataDir);
  const accountId = target.startsWith("key_")
    ? listApiKeys(db).find((k) => k.id === target)?.accountId
    : target;
  if (!accountId || !db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).get()) {
    process.stderr.write(`No account or key ${target}.\n`);
    process.exit(1);
  }
  grantUsd(db, accountId, micro);
  process.stdout.write(`Granted $${micro / MICRO_USD} to ${accountId}\n`);
  process.exit(0);
}
if (group === "jobs") {
  if (command !== "run" || rest[0] !== "buyback")
    fail(`Unknown command 'jobs ${[command, ...rest].join(" ")}'.`);
  const run = await runBuybackNow();
  process.stdout.write(`${JSON.stringify(run)}\n`);
  process.exit(run.status === "failed" || run.status === "busy" ? 1 : 0);
}
if (group !== "keys") fail(`Unknown command '${group} ${command}'.`);

/** One buyback run now, against the chain and keys the server would use; see chain-settings.ts. */
async function runBuybackNow(): Promise<BuybackRun> {
  const deployments = await readDeployments(config.deploymentsFile);
  if (!deployments) {
    process.stderr.write(`No deployments file at ${config.deploymentsFile}: no chain to buy back on.\n`);
    process.exit(1);
  }
  const { rpcUrl, keeper, treasury } = chainSettings(config, deployments);
  if (!rpcUrl || !keeper) {
    process.stderr.write("Set MASQUE_CHAIN_RPC and MASQUE_KEEPER_KEY to run the buyback job.\n");
    process.exit(1);
  }
  const db = openDatabase(config.dataDir);
  const client = createPublicClient({ transport: http(rpcUrl, { batch: true }) }) as PublicClient;
  // The indexer too, so the burn shows in the token API as soon as this returns.
  const logger = createLogger(config.logLevel, process.stderr);
  const run = await runBuybackJob({
    db,
    client,
    deployments,
    keeper,
    treasury,
    confirmations: config.chainConfirmations,
    logger,
    ...config.buyback,
  });
  await indexTokenEvents({ db, client, deployments, logger });
  return run;
}

switch (command) {
  case "create": {
    const { values } = parseArgs({
      args: rest,
      options: {
        tier: { type: "string", default: "free" },
        label: { type: "string" },
        admin: { type: "boolean", default: false },
        "expires-days": { type: "string" },
        "balance-usd": { type: "string" },
        "private-only": { type: "boolean", default: false },
      },
    });
    const balance =
      values["balance-usd"] === undefined ? undefined : microUsd(values["balance-usd"], "--balance-usd");
    if (!tierIds.includes(values.tier as TierId)) fail(`--tier must be one of ${tierIds.join(", ")}.`);
    const days = values["expires-days"] === undefined ? undefined : Number(values["expires-days"]);
    if (days !== undefined && !(Number.isFinite(days) && days > 0))
      fail("--expires-days must be a positive number.");
    const db = openDatabase(config.dataDir);
    const created = createApiKey(db, {
      tier: values.tier as TierId,
      label: values.label,
      type: values.admin ? "admin" : "inference",
      expiresAt: days === undefined ? undefined : new Date(Date.now() + days * 86_400_000),
      modelPrivacy: values["private-only"] ? "private_only" : "all",
    });
    if (balance !== undefined) grantUsd(db, created.accountId, balance);
    process.stderr.write(
      `Created key ${created.id} for account ${created.accountId} (tier ${values.tier}).\n`,
    );
    process.stderr.write("This is the only time the key is shown; store it now.\n");
    process.stdout.write(`${created.key}\n`);
    break;
  }
  case "list": {
    const db = openDatabase(config.dataDir);
    const rows = listApiKeys(db).map((k) => ({
      id: k.id,
      key: k.displayPrefix,
      account: k.accountId,
      tier: k.tier,
      type: k.type,
      label: k.label ?? "",
      created: k.createdAt.toISOString(),
      status: k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt <= new Date() ? "expired" : "active",
    }));
    if (rows.length === 0) process.stderr.write("No keys yet. Create one with `pnpm masque keys create`.\n");
    else console.table(rows);
    break;
  }
  case "revoke": {
    const id = rest[0];
    if (!id) fail("Name the key id to revoke (see `pnpm masque keys list`).");
    const db = openDatabase(config.dataDir);
    if (!revokeApiKey(db, id)) {
      process.stderr.write(`No active key with id ${id}.\n`);
      process.exit(1);
    }
    process.stdout.write(`Revoked ${id}\n`);
    break;
  }
  default:
    fail(`Unknown command 'keys ${command}'.`);
}
