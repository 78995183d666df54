import { parseArgs } from "node:util";
import { type TierId, tierIds } from "@masque/shared";
import { createApiKey, listApiKeys, revokeApiKey } from "../auth/api-keys.ts";
import { loadConfigOrExit } from "../config/env.ts";
import { openDatabase } from "../db/open-database.ts";

/**
 * The operator CLI (`pnpm masque …`), against the same MASQUE_DATA_DIR as the
 * server. Output meant for scripts goes to stdout; everything else to stderr.
 */
const usage = `Usage:
  pnpm masque keys create [--tier ${tierIds.join("|")}] [--label LABEL] [--admin] [--expires-days N]
  pnpm masque keys list
  pnpm masque keys revoke <key-id>`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
}

const [group, command, ...rest] = process.argv.slice(2);
if (group !== "keys" || !command)
  fail(group ? `Unknown command '${[group, command].join(" ")}'.` : "No command.");

const config = loadConfigOrExit();

switch (command) {
  case "create": {
    const { values } = parseArgs({
      args: rest,
      options: {
        tier: { type: "string", default: "free" },
        label: { type: "string" },
        admin: { type: "boolean", default: false },
        "expires-days": { type: "string" },
      },
    });
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
    });
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
