import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Relative paths are taken from where the user ran the command, not from server/ (pnpm's cwd). */
export function resolveFromInvocationDir(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const privateKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte private key in hex, 0x-prefixed")
  .transform((k) => k as `0x${string}`);

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  MASQUE_DATA_DIR: z.string().min(1).default("./data"),
  MASQUE_PROVIDERS: z.string().min(1).optional(),
  MASQUE_MODELS_DIR: z.string().min(1).optional(),
  MASQUE_LOCAL_NODE_URL: z.url().optional(),
  MASQUE_LOCAL_NODE_PORT: port.optional(),
  MASQUE_LOCAL_THREADS: positiveInt.optional(),
  MASQUE_MODEL_DOWNLOAD: z.enum(["auto", "off"]).default("auto"),
  MASQUE_MAX_BODY_BYTES: positiveInt.default(1024 * 1024),
  MASQUE_UPSTREAM_TIMEOUT_MS: positiveInt.default(60_000),
  MASQUE_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  MASQUE_AUTH_RATE_LIMIT: z.coerce.number().int().min(0).default(60),
  MASQUE_WEB_DIR: z.string().min(1).optional(),
  MASQUE_PUBLIC_URL: z.url().optional(),
  MASQUE_CHAIN_RPC: z.url().optional(),
  MASQUE_CHAIN_ID: positiveInt.default(31337),
  MASQUE_CHAIN_PORT: port.default(8545),
  MASQUE_PUBLIC_CHAIN_RPC: z.url().optional(),
  MASQUE_DEPLOYMENTS: z.string().min(1).optional(),
  MASQUE_CHAIN_CONFIRMATIONS: z.coerce.number().int().min(0).optional(),
  MASQUE_CHAIN_POLL_MS: positiveInt.default(2_000),
  MASQUE_DIEM_REFRESH_MS: positiveInt.default(60_000),
  MASQUE_KEEPER_KEY: privateKey.optional(),
  MASQUE_TREASURY_KEY: privateKey.optional(),
  MASQUE_BUYBACK_INTERVAL_MS: positiveInt.default(3_600_000),
  MASQUE_BUYBACK_SLIPPAGE_BPS: z.coerce.number().int().min(0).max(2_000).default(100),
  MASQUE_BUYBACK_MAX_RECEIPTS: positiveInt.default(500),
  MASQUE_BUYBACK_WAIT_MS: positiveInt.default(120_000),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** For tests and proxies: where the Stripe SDK sends API calls, e.g. http://127.0.0.1:12111. */
  STRIPE_API_BASE: z.url().optional(),
  MASQUE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** The validated configuration, with paths made absolute and defaults filled in. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  providersFile: string | undefined;
  modelsDir: string;
  /** Base URL (ending in /v1) of the local model node; unset when none runs. */
  localNodeUrl: string | undefined;
  localNodePort: number;
  localThreads: number | undefined;
  modelDownload: "auto" | "off";
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  /** On SIGTERM, how long requests in flight may take to finish before they are cut. */
  shutdownGraceMs: number;
  /** Sign-in requests (anonymous, SIWE) per client address per minute; 0: no limit. */
  authRateLimit: number;
  logLevel: z.infer<typeof envSchema>["MASQUE_LOG_LEVEL"];
  /** The built web app the gateway serves at `/`. */
  webDir: string;
  /** Where users reach the app; Sign-In with Ethereum messages must name it. */
  publicUrl: string;
  /** JSON-RPC of the chain (anvil locally); unset when no chain is used. */
  chainRpc: string | undefined;
  chainId: number;
  /** Port of the local chain `pnpm start` runs (anvil). */
  chainPort: number;
  /** The RPC URL browsers use (the web app's wallet); defaults to `chainRpc`. */
  publicChainRpc: string | undefined;
  /** The contract addresses file. */
  deploymentsFile: string;
  /** Blocks a payment must be under before it counts: 0 on the local chain, 5 elsewhere by default. */
  chainConfirmations: number;
  chainPollMs: number;
  /** How long a DIEM stake read stays fresh. */
  diemRefreshMs: number;
  /** The buyback-and-burn job; keys default to anvil's dev accounts on a local chain (see chain-keys.ts). */
  buyback: {
    keeperKey: `0x${string}` | undefined;
    treasuryKey: `0x${string}` | undefined;
    intervalMs: number;
    slippageBps: number;
    maxReceipts: number;
    waitMs: number;
  };
  /** Card payment, on when both Stripe secrets are set. */
  stripe: { secretKey: string; webhookSecret: string; apiBase: string | undefined } | undefined;
}

/** Thrown when an environment variable is invalid; the message names each variable at fault. */
export class ConfigError extends Error {}

/** Reads and validates the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = resolveFromInvocationDir(e.MASQUE_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    providersFile: e.MASQUE_PROVIDERS && resolveFromInvocationDir(e.MASQUE_PROVIDERS),
    modelsDir: e.MASQUE_MODELS_DIR
      ? resolveFromInvocationDir(e.MASQUE_MODELS_DIR)
      : path.join(dataDir, "models"),
    localNodeUrl: e.MASQUE_LOCAL_NODE_URL?.replace(/\/+$/, ""),
    localNodePort: e.MASQUE_LOCAL_NODE_PORT ?? (e.PORT === 0 ? 0 : e.PORT + 1),
    localThreads: e.MASQUE_LOCAL_THREADS,
    modelDownload: e.MASQUE_MODEL_DOWNLOAD,
    maxBodyBytes: e.MASQUE_MAX_BODY_BYTES,
    upstreamTimeoutMs: e.MASQUE_UPSTREAM_TIMEOUT_MS,
    shutdownGraceMs: e.MASQUE_SHUTDOWN_GRACE_MS,
    authRateLimit: e.MASQUE_AUTH_RATE_LIMIT,
    logLevel: e.MASQUE_LOG_LEVEL,
    publicUrl: (e.MASQUE_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ""),
    chainRpc: e.MASQUE_CHAIN_RPC,
    chainId: e.MASQUE_CHAIN_ID,
    chainPort: e.MASQUE_CHAIN_PORT,
    chainConfirmations: e.MASQUE_CHAIN_CONFIRMATIONS ?? (e.MASQUE_CHAIN_ID === 31337 ? 0 : 5),
    chainPollMs: e.MASQUE_CHAIN_POLL_MS,
    diemRefreshMs: e.MASQUE_DIEM_REFRESH_MS,
    buyback: {
      keeperKey: e.MASQUE_KEEPER_KEY,
      treasuryKey: e.MASQUE_TREASURY_KEY,
      intervalMs: e.MASQUE_BUYBACK_INTERVAL_MS,
      slippageBps: e.MASQUE_BUYBACK_SLIPPAGE_BPS,
      maxReceipts: e.MASQUE_BUYBACK_MAX_RECEIPTS,
      waitMs: e.MASQUE_BUYBACK_WAIT_MS,
    },
    stripe:
      e.STRIPE_SECRET_KEY && e.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: e.STRIPE_SECRET_KEY,
            webhookSecret: e.STRIPE_WEBHOOK_SECRET,
            apiBase: e.STRIPE_API_BASE,
          }
        : undefined,
    publicChainRpc: e.MASQUE_PUBLIC_CHAIN_RPC ?? e.MASQUE_CHAIN_RPC,
    deploymentsFile: e.MASQUE_DEPLOYMENTS
      ? resolveFromInvocationDir(e.MASQUE_DEPLOYMENTS)
      : path.join(dataDir, "deployments.json"),
    webDir: e.MASQUE_WEB_DIR
      ? resolveFromInvocationDir(e.MASQUE_WEB_DIR)
      : fileURLToPath(new URL("../../../web/dist", import.meta.url)),
  };
}

/** Loads the configuration or exits with a message naming the bad variables. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
