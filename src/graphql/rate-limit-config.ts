import { z } from "zod";

/** At most `points` actions in any sliding window of `windowMs`. */
export interface RateLimit {
  points: number;
  windowMs: number;
}

export interface RateLimitConfig {
  logIn: { account: RateLimit | null; address: RateLimit | null };
  signUp: { account: RateLimit | null; address: RateLimit | null };
  /** Every request to /graphql, per client address; null: off. */
  operations: RateLimit | null;
  /** How many reverse proxies in front append to X-Forwarded-For; 0: the socket's address is the client. */
  trustProxyHops: number;
}

const rateLimit = z
  .string()
  .regex(/^(off|[1-9]\d*\/[1-9]\d*[smh])$/, "off, or N/<window> such as 10/15m (window in s, m or h)");

/** The variables, spread into config.ts's schema. */
export const rateLimitVariables = {
  RATE_LIMIT_LOGIN_ACCOUNT: rateLimit.default("10/15m"),
  RATE_LIMIT_LOGIN_ADDRESS: rateLimit.default("100/15m"),
  RATE_LIMIT_SIGNUP_ACCOUNT: rateLimit.default("5/1h"),
  RATE_LIMIT_SIGNUP_ADDRESS: rateLimit.default("20/1h"),
  RATE_LIMIT_OPERATIONS: rateLimit.optional(),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
};

type Variables = z.output<z.ZodObject<typeof rateLimitVariables>>;

/** The operation budget is off by default outside production. */
export const DEFAULT_OPERATIONS_LIMIT = "1200/1m";

export function rateLimitConfig(e: Variables, env: string): RateLimitConfig {
  return {
    logIn: { account: parseRateLimit(e.RATE_LIMIT_LOGIN_ACCOUNT), address: parseRateLimit(e.RATE_LIMIT_LOGIN_ADDRESS) },
    signUp: {
      account: parseRateLimit(e.RATE_LIMIT_SIGNUP_ACCOUNT),
      address: parseRateLimit(e.RATE_LIMIT_SIGNUP_ADDRESS),
    },
    operations: parseRateLimit(e.RATE_LIMIT_OPERATIONS ?? (env === "production" ? DEFAULT_OPERATIONS_LIMIT : "off")),
    trustProxyHops: e.TRUST_PROXY_HOPS,
  };
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function parseRateLimit(value: string): RateLimit | null {
  const match = /^(\d+)\/(\d+)([smh])$/.exec(value);
  if (!match) return null;
  return { points: Number(match[1]), windowMs: Number(match[2]) * UNIT_MS[match[3] as keyof typeof UNIT_MS] };
}
