import fs from "node:fs";
import path from "node:path";

const free = { inputPerMTok: 0, outputPerMTok: 0 };

/** Writes a providers file (`{ providers, models }`) into a data directory and returns its path. */
export function writeProvidersFile(
  dataDir: string,
  config: { providers: unknown[]; models?: unknown[] },
): string {
  const file = path.join(dataDir, "providers.json");
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

/**
 * Writes a providers file whose models all point at a stand-in upstream, one
 * model per stand-in behaviour (`<prefix>-echo` → `echo`, …), and returns its path.
 */
export function writeStandInProviders(
  dataDir: string,
  baseUrl: string,
  options: { privacy?: "anonymized" | "local" | "tee"; behaviours?: string[]; apiKeyEnv?: string } = {},
): string {
  const behaviours = options.behaviours ?? [
    "echo",
    "no-usage",
    "tool",
    "slow",
    "status-500",
    "hang",
    "malformed",
    "reset",
  ];
  return writeProvidersFile(dataDir, {
    providers: [
      {
        id: "standin",
        kind: "openai",
        baseUrl,
        privacy: options.privacy ?? "anonymized",
        ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
      },
    ],
    models: behaviours.map((b) => ({
      id: `standin-${b}`,
      provider: "standin",
      upstreamId: b,
      contextLength: 8192,
      pricing: free,
    })),
  });
}
