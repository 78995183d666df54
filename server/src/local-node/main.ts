import { serve } from "@hono/node-server";
import { loadConfigOrExit } from "../config/env.ts";
import { createLogger } from "../logging/logger.ts";
import { ensureDefaultModel } from "./default-model.ts";
import { EnclaveIdentity } from "./enclave-identity.ts";
import { LlamaRuntime } from "./llama-runtime.ts";
import { createLocalNodeApp } from "./local-node-app.ts";

/**
 * The local model node: serves every GGUF in MASQUE_MODELS_DIR over the
 * OpenAI chat API on MASQUE_LOCAL_NODE_PORT (default PORT + 1).
 */
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
const runtime = new LlamaRuntime(config.modelsDir, config.localThreads);

if (runtime.listModels().length === 0 && config.modelDownload === "auto") {
  await ensureDefaultModel(config.modelsDir, logger);
}
const models = runtime.listModels();
if (models.length === 0) {
  logger.warn(
    { modelsDir: config.modelsDir },
    "no local model: put a .gguf file in MASQUE_MODELS_DIR; the node keeps running and serves none until then",
  );
}

const identity = await EnclaveIdentity.detect();
logger.info(
  { signingAddress: identity.address, inTee: identity.inTee },
  identity.inTee
    ? "running in a dstack confidential VM: attestation reports carry a TDX quote"
    : "not in a TEE: attestation reports carry no quote",
);
const app = createLocalNodeApp(runtime, identity, logger);
const server = serve({ fetch: app.fetch, port: config.localNodePort, hostname: config.host }, (info) => {
  logger.info(
    { url: `http://${config.host}:${info.port}/v1`, models: models.map((m) => m.id) },
    "local model node listening",
  );
});

const shutdown = () => {
  server.close();
  void runtime.dispose().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
