import { BrokenCircuitError, CircuitState, circuitBreaker, ConsecutiveBreaker, handleAll } from "cockatiel";
import type { Logger } from "../observability/logger.ts";
import type { RedisClient } from "./redis.ts";

/**
 * Runs Redis commands so that an outage never reaches the caller: while Redis is not ready,
 * or after repeated failures (cockatiel's circuit breaker: 3 failures in a row open it for
 * `openMs`, then one trial command), the fallback is returned at once. Every skipped or failed
 * operation is counted in `outages`.
 */
export interface RedisGuard {
  run<T>(fallback: T, command: () => Promise<T>): Promise<T>;
  readonly outages: number;
}

const stateNames: Record<CircuitState, string> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "isolated",
};

export function createRedisGuard(redis: RedisClient, options: { logger?: Logger; openMs?: number } = {}): RedisGuard {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: options.openMs ?? 5_000,
    breaker: new ConsecutiveBreaker(3),
  });
  breaker.onStateChange((state) => options.logger?.info({ state: stateNames[state] }, "Redis circuit breaker"));
  let outages = 0;
  return {
    get outages() {
      return outages;
    },
    async run(fallback, command) {
      // While the half-open trial runs, the others get the fallback at once too (cockatiel would
      // make them wait for the trial's outcome). The trial settles: the client built by
      // createRedisClient times every command out.
      if (redis.status !== "ready" || breaker.state === CircuitState.HalfOpen) {
        outages += 1;
        return fallback;
      }
      try {
        return await breaker.execute(() => command());
      } catch (error) {
        outages += 1;
        if (!(error instanceof BrokenCircuitError)) options.logger?.debug({ err: error }, "Redis command failed");
        return fallback;
      }
    },
  };
}
