import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type AnvilInstance,
  type Deployments,
  ensureLocalDeployment,
  startAnvil,
} from "@masque/contracts-abi/deploy";
import { createPublicClient, http, type PublicClient } from "viem";

/** A fresh anvil with the contracts deployed as `pnpm start` deploys them, for tests. */
export interface LocalTestChain {
  anvil: AnvilInstance;
  deployments: Deployments;
  client: PublicClient;
}

export async function startLocalTestChain(): Promise<LocalTestChain> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "masque-chain-"));
  const anvil = await startAnvil();
  const { deployments } = await ensureLocalDeployment({
    rpcUrl: anvil.url,
    deploymentsFile: path.join(dir, "deployments.json"),
  });
  return { anvil, deployments, client: createPublicClient({ transport: http(anvil.url) }) };
}
