import type { Redis } from "ioredis";
import { CircuitBreaker } from "../circuit-breaker.ts";
import type { Logger } from "../logger.ts";

/**
 * Where cached values live: Redis when REDIS_URL is set, process memory otherwise. A store
 * never throws: an unreachable Redis reads as a miss and writes are dropped, counted in
 * `outages`, and a circuit breaker stops asking Redis for a few seconds after repeated failures.
 */
export interface CacheStore {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** Failed or skipped operations since start. */
  readonly outages: number;
}

export function createMemoryStore(options: { maxEntries?: number; now?: () => number } = {}): CacheStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    kind: "memory",
    outages: 0,
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return null;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return null;
      }
      return entry.value;
    },
    async set(key, value, ttlSeconds) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
      // Maps iterate in insertion order: the first key is the least recently written.
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    async delete(keys) {
      for (const key of keys) entries.delete(key);
    },
  };
}

export function createRedisStore(redis: Redis, options: { logger?: Logger; breakerOpenMs?: number } = {}): CacheStore {
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    openMs: options.breakerOpenMs ?? 5_000,
    onStateChange: (state) => options.logger?.info({ state }, "Redis cache circuit breaker"),
  });
  let outages = 0;
  const guarded = async <T>(fallback: T, run: () => Promise<T>): Promise<T> => {
    if (redis.status !== "ready" || !breaker.allow()) {
      outages += 1;
      return fallback;
    }
    try {
      const result = await run();
      breaker.success();
      return result;
    } catch (error) {
      breaker.failure();
      outages += 1;
      options.logger?.debug({ err: error }, "Redis cache operation failed");
      return fallback;
    }
  };
  return {
    kind: "redis",
    get outages() {
      return outages;
    },
    get: (key) => guarded(null, () => redis.get(key)),
    set: (key, value, ttlSeconds) =>
      guarded(undefined, async () => {
        await redis.set(key, value, "EX", Math.max(1, Math.round(ttlSeconds)));
      }),
    delete: (keys) =>
      guarded(undefined, async () => {
        if (keys.length > 0) await redis.unlink(...keys);
      }),
  };
}
