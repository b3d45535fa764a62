import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { createRedisClient } from "../redis.ts";
import { type CacheStore, createMemoryStore, createRedisStore } from "./store.ts";

export type { CacheStore };

/** The process's cache store: Redis at REDIS_URL, or memory. `close` ends the Redis connection. */
export function createCacheStore(config: Config, logger?: Logger): { store: CacheStore; close: () => Promise<void> } {
  if (!config.redis.url) return { store: createMemoryStore(), close: async () => {} };
  const redis = createRedisClient(config.redis.url, { commandTimeoutMs: config.redis.commandTimeoutMs, logger });
  return {
    store: createRedisStore(redis, { logger }),
    close: async () => {
      redis.disconnect();
    },
  };
}
