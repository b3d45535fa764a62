export type RateLimitedAction = "logIn" | "signUp";

/**
 * Declared on a mutation field (`extensions: rateLimited(...)`): counted per account from each
 * client address (per account alone without one), and per client address.
 */
export interface RateLimitRule {
  action: RateLimitedAction;
  /** The account the call is about (an email), from the field's arguments. */
  account(args: Record<string, unknown>): unknown;
}

export const rateLimited = (action: RateLimitedAction, account: RateLimitRule["account"]) => ({
  rateLimit: { action, account } satisfies RateLimitRule,
});
