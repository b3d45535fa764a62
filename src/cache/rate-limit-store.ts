import { LRUCache } from "lru-cache";
import type { RedisClient } from "./redis.ts";
import { createRedisGuard } from "./redis-guard.ts";
import type { Logger } from "../observability/logger.ts";
import type { RateLimit } from "../config.ts";

/**
 * Sliding-window counters: the count of the current fixed window plus the previous window's
 * count weighted by how much of it still overlaps the sliding window (Cloudflare's
 * approximation: O(1) memory per key, no burst of 2x at a window boundary as with fixed windows).
 * A refused action is not counted, so a client that keeps hammering is let in again on time.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** When refused: seconds until one more action would be allowed (at least 1). */
  retryAfterSeconds: number;
}

export interface RateLimitStore {
  readonly kind: "redis" | "memory";
  consume(key: string, limit: RateLimit, now: number): Promise<RateLimitDecision>;
}

interface Window {
  index: number;
  elapsedMs: number;
}

const windowOf = (now: number, limit: RateLimit): Window => {
  const index = Math.floor(now / limit.windowMs);
  return { index, elapsedMs: now - index * limit.windowMs };
};

/** The estimate the Lua script computes too: keep both in step. */
const estimate = (previous: number, current: number, window: Window, limit: RateLimit) =>
  (previous * (limit.windowMs - window.elapsedMs)) / limit.windowMs + current;

/** Milliseconds until `previous`/`current` (no more actions meanwhile) leave room for one more. */
export function retryAfterMs(previous: number, current: number, window: Window, limit: RateLimit): number {
  const { windowMs, points } = limit;
  if (current + 1 <= points && previous > 0) {
    // Room appears within this window, as the previous window's weight decays.
    return windowMs - window.elapsedMs - ((points - current - 1) * windowMs) / previous;
  }
  // Not in this window: in the next one, this window's count becomes the decaying previous.
  return windowMs - window.elapsedMs + windowMs * (1 - (points - 1) / current);
}

const refused = (previous: number, current: number, window: Window, limit: RateLimit): RateLimitDecision => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs(previous, current, window, limit) / 1000)),
});

function decide(previous: number, current: number, window: Window, limit: RateLimit): RateLimitDecision {
  if (estimate(previous, current, window, limit) + 1 <= limit.points) return { allowed: true, retryAfterSeconds: 0 };
  return refused(previous, current, window, limit);
}

export function createMemoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  // The least recently counted key goes first when full; a key idle past its windows would read as zero anyway.
  const counters = new LRUCache<string, { index: number; previous: number; current: number }>({
    max: options.maxKeys ?? 100_000,
  });
  return {
    kind: "memory",
    async consume(key, limit, now) {
      const window = windowOf(now, limit);
      const stored = counters.get(key);
      const previous =
        stored?.index === window.index ? stored.previous : stored?.index === window.index - 1 ? stored.current : 0;
      const current = stored?.index === window.index ? stored.current : 0;
      const decision = decide(previous, current, window, limit);
      counters.set(key, { index: window.index, previous, current: current + (decision.allowed ? 1 : 0) });
      return decision;
    },
  };
}

// KEYS: previous window, current window. ARGV: points, windowMs, elapsedMs.
// Returns {previous, current, allowed}; counts the action only when allowed.
const CONSUME_SCRIPT = `
local previous = tonumber(redis.call('GET', KEYS[1]) or '0')
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
local points = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local elapsed = tonumber(ARGV[3])
if previous * (window - elapsed) / window + current + 1 <= points then
  current = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], window * 2)
  return {previous, current, 1}
end
return {previous, current, 0}
`;

/**
 * Counters in Redis, shared by every instance; the clock is the caller's (instances keep NTP time).
 * While Redis is unreachable the process counts in its own memory instead of letting everything in.
 */
export function createRedisRateLimitStore(
  redis: RedisClient,
  options: { prefix: string; logger?: Logger; fallback?: RateLimitStore },
): RateLimitStore {
  const guard = createRedisGuard(redis, { logger: options.logger });
  const fallback = options.fallback ?? createMemoryRateLimitStore();
  return {
    kind: "redis",
    async consume(key, limit, now) {
      const window = windowOf(now, limit);
      // One hash slot per key (Redis Cluster): both windows' keys share the {tag}.
      const keyOf = (index: number) => `${options.prefix}:{${key}}:${limit.windowMs}:${index}`;
      const counted = await guard.run(undefined, async () => {
        const reply = (await redis.eval(
          CONSUME_SCRIPT,
          2,
          keyOf(window.index - 1),
          keyOf(window.index),
          limit.points,
          limit.windowMs,
          window.elapsedMs,
        )) as [number, number, number];
        return reply;
      });
      if (!counted) return fallback.consume(key, limit, now);
      const [previous, current, allowed] = counted;
      if (allowed === 1) return { allowed: true, retryAfterSeconds: 0 };
      return refused(previous, current, window, limit);
    },
  };
}
