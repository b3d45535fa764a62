import type { Redis } from "ioredis";
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
