/**
 * A bounded in-memory map whose entries expire: for short-lived facts kept so
 * a client can fetch them back (signatures of recent answers). Oldest entries
 * go first when it is full.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    // A Map iterates oldest first: trim from the front.
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.now() - e.at < this.ttlMs) break;
      this.entries.delete(k);
    }
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry || this.now() - entry.at >= this.ttlMs) return undefined;
    return entry.value;
  }
}
