import { Cluster, Redis } from "ioredis";
import type { RedisClusterNode } from "../config.ts";
import type { Logger } from "../observability/logger.ts";

/** One Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES): the caches and rate limits take either. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  commandTimeoutMs: number;
  logger?: Logger;
}

const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2_000);

/**
 * The ioredis client. Commands never queue while Redis is away (they fail at once) and time
 * out after `commandTimeoutMs`, so a Redis outage costs a request milliseconds, not seconds;
 * ioredis keeps reconnecting in the background.
 */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy,
  });
  return reportAvailability(redis, options.logger);
}

/**
 * An ioredis Cluster client, as createRedisClient for one Redis: commands fail at once while the
 * cluster is not ready, and each times out after `commandTimeoutMs` on its node, redirections
 * included. A node that goes away fails the commands of its slots until the cluster has moved
 * them (a replica promoted) or the node is back; the other slots keep answering.
 */
export function createRedisClusterClient(nodes: RedisClusterNode[], options: RedisClientOptions): Cluster {
  const cluster = new Cluster(nodes, {
    enableOfflineQueue: false,
    clusterRetryStrategy: retryStrategy,
    // The command timeout bounds a redirected command too; a few redirections suffice for a resharding.
    maxRedirections: 4,
    redisOptions: {
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2_000,
    },
  });
  return reportAvailability(cluster, options.logger);
}

/** Logs the first error of an outage and the recovery, once each. */
function reportAvailability<T extends RedisClient>(client: T, logger: Logger | undefined): T {
  let down = false;
  client.on("error", (error: unknown) => {
    if (!down) logger?.warn({ err: error }, "Redis unavailable: serving without cache until it is back");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger?.info("Redis is back: caching resumed");
    down = false;
  });
  return client;
}
