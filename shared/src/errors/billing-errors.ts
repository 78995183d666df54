import { MasqueError } from "./masque-error.ts";

/** 402: the credit available cannot cover what the request may cost. */
export class InsufficientBalanceError extends MasqueError {
  constructor(message: string) {
    super("insufficient_balance", 402, "insufficient_quota", message);
  }
}

/** 402: an API key reached the spend limit its owner set. */
export class SpendLimitError extends MasqueError {
  constructor(message: string) {
    super("spend_limit_reached", 402, "insufficient_quota", message);
  }
}

/** 429: the plan's daily prompt allowance in the app is used up. */
export class DailyPromptLimitError extends MasqueError {
  constructor(limit: number, resetAt: Date) {
    super(
      "daily_prompt_limit",
      429,
      "rate_limit_error",
      `Your plan includes ${limit} prompts a day in the app; they reset at ${resetAt.toISOString()}. Upgrade for more.`,
      { headers: { "retry-after": String(Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000))) } },
    );
  }
}
