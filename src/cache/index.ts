import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Redis } from "ioredis";
import { createRedisClient } from "./redis.ts";
import {
  createMemoryResponseCacheBackend,
  createRedisResponseCacheBackend,
  type ResponseCacheBackend,
} from "./response-cache-backend.ts";
import { type CacheStore, createMemoryStore, createRedisStore } from "./store.ts";

export type { CacheStore, ResponseCacheBackend };

export interface Caches {
  /** Key-value store for cache-aside data (upstream responses, ...). */
  store: CacheStore;
  /** Whole GraphQL responses with their invalidation indexes. */
  responses: ResponseCacheBackend;
  /** The shared Redis connection, for other Redis-backed state (rate limits); unset without REDIS_URL. */
  redis?: Redis;
  close(): Promise<void>;
}

/** Redis at REDIS_URL (one connection shared by both caches), or process memory. */
export function createCaches(config: Config, logger?: Logger): Caches {
  if (!config.redis.url) {
    return { store: createMemoryStore(), responses: createMemoryResponseCacheBackend(), close: async () => {} };
  }
  const redis = createRedisClient(config.redis.url, { commandTimeoutMs: config.redis.commandTimeoutMs, logger });
  return {
    redis,
    store: createRedisStore(redis, { logger, prefix: `${config.redis.keyPrefix}:kv` }),
    responses: createRedisResponseCacheBackend(redis, { logger, prefix: `${config.redis.keyPrefix}:rc` }),
    close: async () => {
      redis.disconnect();
    },
  };
}
