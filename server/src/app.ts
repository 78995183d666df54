import type { Deployments } from "@masque/contracts-abi/deploy";
import { MethodNotAllowedError, PayloadTooLargeError } from "@masque/shared";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { PublicClient } from "viem";
import { authenticate } from "./auth/authenticate.ts";
import type { ChatDeps } from "./chat/chat-completion.ts";
import { SignatureStore } from "./chat/signature-store.ts";
import { limitBodySize } from "./http/body-limit.ts";
import { closeUnreadBodies } from "./http/close-unread-bodies.ts";
import { corsForAppOrigin } from "./http/cors.ts";
import { notFoundResponse, toErrorResponse } from "./http/error-handler.ts";
import { limitByAddress } from "./limits/limit-by-address.ts";
import { accountRoutes, plansRoute } from "./routes/account.ts";
import { attestationRoutes } from "./routes/attestation.ts";
import { authRoute, type SiweSettings } from "./routes/auth.ts";
import { type CardSettings, checkoutRoute, stripeWebhookRoute } from "./routes/billing.ts";
import { chainRoute } from "./routes/chain.ts";
import { chatCompletionsRoute } from "./routes/chat-completions.ts";
import { modelsRoute } from "./routes/models.ts";
import { tokenRoutes } from "./routes/token.ts";
import { createAdapterRegistry } from "./routing/adapter-for.ts";
import { securityHeaders } from "./web/security-headers.ts";
import { serveWebApp } from "./web/serve-web-app.ts";

export interface AppOptions extends Omit<ChatDeps, "adapters" | "signatures"> {
  adapters?: ChatDeps["adapters"];
  signatures?: ChatDeps["signatures"];
  maxBodyBytes: number;
  /** Serve the built web app from here, when it exists. */
  webDir?: string;
  /** Sign-In with Ethereum: our origin and chain (defaults: localhost, 31337, EOAs only). */
  siwe?: SiweSettings;
  /** Stripe, when STRIPE_SECRET_KEY is set; without it card payment is off. */
  cards?: CardSettings;
  /** The contracts, when a chain is configured, and the RPC URL browsers use. */
  chain?: {
    deployments: Deployments;
    publicRpcUrl?: string;
    /** The server's own RPC client, for the token figures. */
    client?: PublicClient;
    /** Blocks under which chain events count as confirmed. */
    confirmations?: number;
  };
  /** Sign-in requests per client address per minute (default 60; 0: no limit). */
  authRateLimit?: number;
}

/**
 * The gateway's HTTP surface. Handlers stay thin: they parse, call a domain
 * function and shape the answer; every error leaves through one handler in
 * OpenAI's shape. Access logs carry ids, status and latency — never content.
 */
export function createApp(appOptions: AppOptions) {
  const options: ChatDeps & AppOptions = {
    ...appOptions,
    adapters: appOptions.adapters ?? createAdapterRegistry(appOptions.attestations),
    signatures: appOptions.signatures ?? new SignatureStore(),
  };
  const { logger } = options;
  const publicUrl = options.siwe?.publicUrl ?? "http://127.0.0.1:8080";
  const app = new Hono();

  // Always our own id (limitLength 0 refuses any a client sends): logs and error messages quote it.
  app.use(requestId({ generator: () => crypto.randomUUID(), limitLength: 0 }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.routePath,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      "request",
    );
  });
  app.use(closeUnreadBodies());
  app.use(securityHeaders({ https: publicUrl.startsWith("https:") }));
  app.use(corsForAppOrigin(publicUrl));
  app.use(
    limitBodySize({
      maxBytes: options.maxBodyBytes,
      onError: () => {
        throw new PayloadTooLargeError(options.maxBodyBytes);
      },
    }),
  );

  app.get("/health", (c) => c.json({ status: "ok" }));

  const v1 = new Hono();
  v1.use(authenticate(options.db));
  v1.route("/models", modelsRoute(options.catalog));
  v1.route("/chat/completions", chatCompletionsRoute(options));
  v1.route("/", attestationRoutes(options.catalog, options.signatures, options.attestations));
  v1.all("/chat/completions", (c) => {
    throw new MethodNotAllowedError(c.req.method, "/v1/chat/completions");
  });
  app.route("/v1", v1);
  // Sign-ins need no key: limited per client address instead.
  app.use(
    "/api/auth/*",
    limitByAddress({
      requestsPerMinute: options.authRateLimit ?? 60,
      counts: (c) => c.req.method === "POST" && !c.req.path.endsWith("/logout"),
    }),
  );
  app.route("/api/auth", authRoute(options.db, options.siwe ?? { publicUrl, chainId: 31337 }));
  app.route("/api/plans", plansRoute(options.cards !== undefined));
  // Before /api's authentication: Stripe signs its calls instead.
  app.route("/api/billing/stripe/webhook", stripeWebhookRoute(options.db, options.cards, logger));
  app.route("/api/chain", chainRoute(options.chain?.deployments, options.chain?.publicRpcUrl));
  app.route(
    "/api/token",
    tokenRoutes({
      deployments: options.chain?.deployments,
      db: options.db,
      client: options.chain?.client,
      confirmations: options.chain?.confirmations,
    }),
  );
  const api = new Hono();
  api.use(authenticate(options.db));
  api.route("/", accountRoutes(options.db, options.diemCredit));
  api.route("/billing", checkoutRoute(options.cards));
  app.route("/api", api);

  if (options.webDir) {
    serveWebApp(app, {
      dir: options.webDir,
      connectSrc: options.chain?.publicRpcUrl ? [options.chain.publicRpcUrl] : [],
    });
  }

  app.notFound(notFoundResponse);
  app.onError((err, c) => toErrorResponse(err, c, logger));
  return app;
}
