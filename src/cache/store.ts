import { LRUCache } from "lru-cache";
import type { Logger } from "../observability/logger.ts";
import type { RedisClient } from "./redis.ts";
import { createRedisGuard } from "./redis-guard.ts";

/**
 * Where cached values live: Redis (REDIS_URL, or a cluster: REDIS_CLUSTER_NODES) when set, process
 * memory otherwise. A store never throws: an unreachable Redis reads as a miss and writes are
 * dropped, counted in `outages`, and a circuit breaker stops asking Redis for a few seconds after
 * repeated failures.
 */
export interface CacheStore {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /** Failed or skipped operations since start. */
  readonly outages: number;
}

/** What a cached string costs in memory, counted as V8's two-byte strings: key and value. */
export const stringBytes = (key: string, value: string) => 2 * (key.length + value.length) + 64;

/**
 * At most `maxEntries` values and `maxBytes` of keys and values, the least recently used evicted
 * first; each expires after its own TTL (lru-cache; `now` is its clock, for tests).
 */
export function createMemoryStore(
  options: { maxEntries?: number; maxBytes?: number; now?: () => number } = {},
): CacheStore {
  const { now } = options;
  const entries = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    maxSize: options.maxBytes ?? 32 * 1024 * 1024,
    sizeCalculation: (value, key) => stringBytes(key, value),
    // Every entry has its own TTL (set below); expired ones are dropped when next read, or evicted.
    ttlAutopurge: false,
    // An injected clock is read on every check (not cached for lru-cache's default millisecond),
    // 1 ms on: lru-cache takes a start time of 0 for "no TTL", and a test clock may start at 0.
    ...(now ? { perf: { now: () => now() + 1 }, ttlResolution: 0 } : {}),
  });
  return {
    kind: "memory",
    outages: 0,
    async get(key) {
      return entries.get(key) ?? null;
    },
    async set(key, value, ttlSeconds) {
      // lru-cache reads a TTL of 0 as "forever": no TTL left means nothing to keep.
      if (!(ttlSeconds > 0)) {
        entries.delete(key);
        return;
      }
      entries.set(key, value, { ttl: Math.ceil(ttlSeconds * 1000) });
    },
    async delete(keys) {
      for (const key of keys) entries.delete(key);
    },
  };
}

export function createRedisStore(
  redis: RedisClient,
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
        // One UNLINK per key: on a cluster the keys lie in different slots, where a multi-key UNLINK is refused (CROSSSLOT).
        await Promise.all(keys.map((key) => redis.unlink(prefixed(key))));
      }),
  };
}
