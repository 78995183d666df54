import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The team's shared folder (models, fixtures, datasets) beside the repo, or MASQUE_SHARED_DIR. */
export const sharedDir = path.resolve(process.env.MASQUE_SHARED_DIR ?? path.join(repoRoot, "..", "shared"));

/** True when the shared folder is present; tests that need it skip (saying so) otherwise. */
export function hasShared(relative: string): boolean {
  const present = fs.existsSync(path.join(sharedDir, relative));
  if (!present) console.warn(`skipping: ${path.join(sharedDir, relative)} is absent (set MASQUE_SHARED_DIR)`);
  return present;
}

export { repoRoot };
