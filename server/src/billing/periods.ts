/** The UTC day, `YYYY-MM-DD`: DIEM credit's period. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The UTC month, `YYYY-MM`: plan credit's period. */
export function utcMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** The next 00:00 UTC, when DIEM credit resets. */
export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** The start of the current UTC day or month. */
export function periodStart(now: Date, period: "day" | "month"): Date {
  return period === "day"
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}
