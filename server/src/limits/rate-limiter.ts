import { type RateLimit, RateLimitError } from "@masque/shared";

const WINDOW_MS = 60_000;

interface Window {
  /** Start times of requests in the last minute, oldest first. */
  requests: number[];
  /** [time, tokens] charged in the last minute, oldest first. */
  tokens: Array<[number, number]>;
  tokenSum: number;
}

export interface RateLimitDecision {
  headers: Record<string, string>;
}

/**
 * Per-key sliding-window limits on requests and tokens per minute, in memory
 * (one process; a shared store when Masque runs several instances). Headers
 * follow OpenAI's `x-ratelimit-*` names so SDKs and agents understand them.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Admits one request estimated at `estimatedTokens`, or throws a 429 saying
   * which limit was hit and when it resets.
   */
  admit(key: string, limit: RateLimit, estimatedTokens: number): RateLimitDecision {
    const now = this.now();
    const w = this.window(key, now);
    const requestReset = w.requests.length > 0 ? (w.requests[0] ?? now) + WINDOW_MS - now : 0;
    const tokenReset = w.tokens.length > 0 ? (w.tokens[0]?.[0] ?? now) + WINDOW_MS - now : 0;
    const headersFor = (requestsUsed: number, tokensUsed: number) => ({
      "x-ratelimit-limit-requests": String(limit.requestsPerMinute),
      "x-ratelimit-remaining-requests": String(Math.max(0, limit.requestsPerMinute - requestsUsed)),
      "x-ratelimit-reset-requests": formatReset(requestReset),
      "x-ratelimit-limit-tokens": String(limit.tokensPerMinute),
      "x-ratelimit-remaining-tokens": String(Math.max(0, limit.tokensPerMinute - tokensUsed)),
      "x-ratelimit-reset-tokens": formatReset(tokenReset),
    });
    if (w.requests.length >= limit.requestsPerMinute) {
      throw new RateLimitError(
        `Rate limit reached: ${limit.requestsPerMinute} requests per minute. Try again in ${formatReset(requestReset)}.`,
        {
          ...headersFor(w.requests.length, w.tokenSum),
          "retry-after": String(Math.ceil(requestReset / 1000)),
        },
      );
    }
    if (w.tokenSum > 0 && w.tokenSum + estimatedTokens > limit.tokensPerMinute) {
      throw new RateLimitError(
        `Rate limit reached: ${limit.tokensPerMinute} tokens per minute (this request needs about ${estimatedTokens}). Try again in ${formatReset(tokenReset)}.`,
        { ...headersFor(w.requests.length, w.tokenSum), "retry-after": String(Math.ceil(tokenReset / 1000)) },
      );
    }
    w.requests.push(now);
    return { headers: headersFor(w.requests.length, w.tokenSum + estimatedTokens) };
  }

  /** Charges the tokens a request actually used. */
  charge(key: string, tokens: number): void {
    if (tokens <= 0) return;
    const now = this.now();
    const w = this.window(key, now);
    w.tokens.push([now, tokens]);
    w.tokenSum += tokens;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) {
      const last = Math.max(w.requests.at(-1) ?? 0, w.tokens.at(-1)?.[0] ?? 0);
      if (last <= now - WINDOW_MS) this.windows.delete(key);
    }
  }

  private window(key: string, now: number): Window {
    let w = this.windows.get(key);
    if (!w) {
      // New callers keep coming: forget those idle for a whole window now and then.
      if (this.windows.size >= SWEEP_AT) this.sweep(now);
      w = { requests: [], tokens: [], tokenSum: 0 };
      this.windows.set(key, w);
    }
    const cutoff = now - WINDOW_MS;
    while (w.requests.length > 0 && (w.requests[0] ?? now) <= cutoff) w.requests.shift();
    while (w.tokens.length > 0 && (w.tokens[0]?.[0] ?? now) <= cutoff) {
      w.tokenSum -= w.tokens.shift()?.[1] ?? 0;
    }
    return w;
  }
}

/** Window count above which idle ones are dropped. */
const SWEEP_AT = 10_000;

/** OpenAI's reset format: `1s`, `6m0s`, `250ms`. */
function formatReset(ms: number): string {
  if (ms <= 0) return "0s";
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}
