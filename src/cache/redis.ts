import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.ts";

/**
 * The ioredis client. Commands never queue while Redis is away (they fail at once) and time
 * out after `commandTimeoutMs`, so a Redis outage costs a request milliseconds, not seconds;
 * ioredis keeps reconnecting in the background.
 */
export function createRedisClient(url: string, options: { commandTimeoutMs: number; logger?: Logger }): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let down = false;
  redis.on("error", (error) => {
    if (!down) options.logger?.warn({ err: error }, "Redis unavailable: serving without cache until it is back");
    down = true;
  });
  redis.on("ready", () => {
    if (down) options.logger?.info("Redis is back: caching resumed");
    down = false;
  });
  return redis;
}
