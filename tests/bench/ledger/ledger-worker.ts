import { type LedgerLoadOptions, runLedgerLoad } from "./ledger-load.ts";

/**
 * One ledger load in a process of its own (its own SQLite connection):
 * options as JSON in argv[2], the result as JSON on stdout's last line.
 */
const options = JSON.parse(process.argv[2] ?? "{}") as LedgerLoadOptions;
const result = await runLedgerLoad(options);
process.stdout.write(`${JSON.stringify(result)}\n`);
