import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { Logger } from "../observability/logger.ts";
import { createRedisGuard } from "./redis-guard.ts";

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
  // Least recently used out first; each entry expires after the TTL it was set with.
  const entries = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    ttlAutopurge: false,
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
  });
  return {
    kind: "memory",
    outages: 0,
    async get(key) {
      return entries.get(key) ?? null;
    },
    async set(key, value, ttlSeconds) {
      entries.set(key, value, { ttl: ttlSeconds * 1000 });
    },
    async delete(keys) {
      for (const key of keys) entries.delete(key);
    },
  };
}

export function createRedisStore(
  redis: Redis,
  options: { logger?: Logger; breakerOpenMs?: number; prefix?: string } = {},
): CacheStore {
  const guard = createRedisGuard(redis, { logger: options.logger, openMs: options.breakerOpenMs });
  const prefixed = (key: string) => (options.prefix ? `${options.prefix}:${key}` : key);
  return {
    kind: "redis",
    get outages() {
      return guard.outages;
    },
    get: (key) => guard.run(null, () => redis.get(prefixed(key))),
    set: (key, value, ttlSeconds) =>
      guard.run(undefined, async () => {
        await redis.set(prefixed(key), value, "EX", Math.max(1, Math.round(ttlSeconds)));
      }),
    delete: (keys) =>
      guard.run(undefined, async () => {
        if (keys.length > 0) await redis.unlink(...keys.map(prefixed));
      }),
  };
}
