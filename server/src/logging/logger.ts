import { type Logger, pino } from "pino";

export type { Logger };

/**
 * The structured logger. Callers log ids, model, counts, latency and status only:
 * never prompt or answer text, keys, or placeholder values.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, messageKey: "msg" },
    destination ?? process.stdout,
  );
}
