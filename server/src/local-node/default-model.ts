import fs from "node:fs";
import { createModelDownloader } from "node-llama-cpp";
import type { Logger } from "../logging/logger.ts";

/**
 * The small instruct model fetched when the models directory is empty:
 * Qwen2.5 0.5B Instruct, Q4_K_M quantisation (about 490 MB, Apache-2.0).
 */
export const DEFAULT_MODEL_URL =
  "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf";

/**
 * Downloads the default model into `modelsDir` with a progress bar. The
 * partial file is kept, so an interrupted download resumes on the next start.
 * Offline it says so and returns: the node then runs with no model.
 */
export async function ensureDefaultModel(modelsDir: string, logger: Logger): Promise<void> {
  fs.mkdirSync(modelsDir, { recursive: true });
  try {
    await fetch(DEFAULT_MODEL_URL, { method: "HEAD", signal: AbortSignal.timeout(5_000) });
  } catch {
    logger.warn(
      { modelsDir, url: DEFAULT_MODEL_URL },
      "offline: cannot download the default local model; copy a .gguf file into MASQUE_MODELS_DIR and restart",
    );
    return;
  }
  logger.info({ url: DEFAULT_MODEL_URL, modelsDir }, "downloading the default local model");
  try {
    const downloader = await createModelDownloader({
      modelUri: DEFAULT_MODEL_URL,
      dirPath: modelsDir,
      showCliProgress: process.stderr.isTTY === true,
      deleteTempFileOnCancel: false,
    });
    await downloader.download();
  } catch (err) {
    logger.warn(
      { error: (err as Error).message },
      "default model download failed; it resumes on the next start",
    );
  }
}
