import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import { createRedisClient, createRedisClusterClient, type RedisClient } from "./redis.ts";
import {
  createMemoryResponseCacheBackend,
  createRedisResponseCacheBackend,
  type ResponseCacheBackend,
} from "./response-cache-backend.ts";
import { type CacheStore, createMemoryStore, createRedisStore } from "./store.ts";

export type { CacheStore, RedisClient, ResponseCacheBackend };

export interface Caches {
  /** Key-value store for cache-aside data (upstream responses, ...). */
  store: CacheStore;
  /** Whole GraphQL responses with their invalidation indexes. */
  responses: ResponseCacheBackend;
  /** The shared Redis connection, for other Redis-backed state (rate limits); unset without Redis. */
  redis?: RedisClient;
  close(): Promise<void>;
}

/** Redis at REDIS_URL or the Redis Cluster at REDIS_CLUSTER_NODES (one client shared by all), or process memory. */
export function createCaches(config: Config, logger?: Logger): Caches {
  const { url, clusterNodes, commandTimeoutMs } = config.redis;
  const redis = clusterNodes
    ? createRedisClusterClient(clusterNodes, { commandTimeoutMs, logger })
    : url
      ? createRedisClient(url, { commandTimeoutMs, logger })
      : undefined;
  if (!redis) {
    return { store: createMemoryStore(), responses: createMemoryResponseCacheBackend(), close: async () => {} };
  }
  return {
    redis,
    store: createRedisStore(redis, { logger, prefix: `${config.redis.keyPrefix}:kv` }),
    responses: createRedisResponseCacheBackend(redis, { logger, prefix: `${config.redis.keyPrefix}:rc` }),
    close: async () => {
      redis.disconnect();
    },
  };
}
