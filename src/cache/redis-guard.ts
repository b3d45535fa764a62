import type { Redis } from "ioredis";
import { CircuitBreaker } from "./circuit-breaker.ts";
import type { Logger } from "../observability/logger.ts";

/**
 * Runs Redis commands so that an outage never reaches the caller: while Redis is not ready,
 * or after repeated failures (circuit breaker, `openMs`), the fallback is returned at once.
 * Every skipped or failed operation is counted in `outages`.
 */
export interface RedisGuard {
  run<T>(fallback: T, command: () => Promise<T>): Promise<T>;
  readonly outages: number;
}

export function createRedisGuard(redis: Redis, options: { logger?: Logger; openMs?: number } = {}): RedisGuard {
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    openMs: options.openMs ?? 5_000,
    onStateChange: (state) => options.logger?.info({ state }, "Redis circuit breaker"),
  });
  let outages = 0;
  return {
    get outages() {
      return outages;
    },
    async run(fallback, command) {
      if (redis.status !== "ready" || !breaker.allow()) {
        outages += 1;
        return fallback;
      }
      try {
        const result = await command();
        breaker.success();
        return result;
      } catch (error) {
        breaker.failure();
        outages += 1;
        options.logger?.debug({ err: error }, "Redis command failed");
        return fallback;
      }
    },
  };
}
