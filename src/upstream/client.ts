import type { z } from "zod";
import type { CacheAside } from "../cache/cache-aside.ts";
import { CircuitBreaker } from "../cache/circuit-breaker.ts";
import { traced } from "../observability/tracing.ts";
import { isUpstreamError, upstreamError } from "./errors.ts";
import { createLimiter } from "./limiter.ts";

/**
 * The one place Sokudo calls external HTTP services (JSON over GET). Per service: a time budget
 * that covers every retry, up to `retries` retries with exponential backoff and jitter on network
 * errors and 5xx (never on 4xx), a circuit breaker, a concurrency cap, cache-aside with a TTL and
 * single flight (identical calls in flight share one request), and cancellation: a request that
 * every waiting caller has abandoned is aborted. 404 is null. Every attempt is reported to
 * `onCall`, the hook for metrics and traces.
 */
export interface UpstreamServiceConfig {
  name: string;
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  concurrency: number;
  cacheTtlSeconds: number;
}

export type UpstreamOutcome =
  | "ok"
  | "not_found"
  | "client_error"
  | "server_error"
  | "network_error"
  | "timeout"
  | "bad_response"
  | "breaker_open"
  | "cancelled";

export interface UpstreamCallEvent {
  service: string;
  path: string;
  attempt: number;
  outcome: UpstreamOutcome;
  status?: number;
  durationMs: number;
}

export interface UpstreamClient {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  /** The validated body, or null for 404. Throws a GraphQLError with an UPSTREAM_* code. */
  get<T>(path: string, schema: z.ZodType<T>, options?: { signal?: AbortSignal; cache?: boolean }): Promise<T | null>;
}

export interface UpstreamClientOptions {
  cache: CacheAside;
  onCall?: (event: UpstreamCallEvent) => void;
  /** Each cached call: served from the cache (hit) or fetched (miss). */
  onCache?: (service: string, hit: boolean) => void;
  breaker?: { failureThreshold: number; openMs: number };
  /** First backoff step; doubles each retry, plus up to as much again of jitter. */
  backoffMs?: number;
}

export function createUpstreamClient(config: UpstreamServiceConfig, options: UpstreamClientOptions): UpstreamClient {
  const breaker = new CircuitBreaker(options.breaker ?? { failureThreshold: 5, openMs: 10_000 });
  const limit = createLimiter(config.concurrency);
  const backoffMs = options.backoffMs ?? 50;
  const report = (event: Omit<UpstreamCallEvent, "service">) => options.onCall?.({ service: config.name, ...event });

  async function fetchOnce<T>(path: string, schema: z.ZodType<T>, signal: AbortSignal, attempt: number) {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    let response: Response;
    try {
      response = await limit(() =>
        fetch(new URL(path, config.baseUrl), { signal, headers: { accept: "application/json" } }),
      );
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      breaker.failure();
      report({ path, attempt, outcome: "network_error", durationMs: elapsed() });
      return {
        retry: true,
        error: upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} is unreachable: ${String(error)}`),
      };
    }
    const status = response.status;
    if (status === 404) {
      await response.body?.cancel();
      breaker.success();
      report({ path, attempt, outcome: "not_found", status, durationMs: elapsed() });
      return { value: null };
    }
    if (status >= 500) {
      await response.body?.cancel();
      breaker.failure();
      report({ path, attempt, outcome: "server_error", status, durationMs: elapsed() });
      return {
        retry: true,
        error: upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} answered ${status}`),
      };
    }
    if (status >= 400 || status < 200 || status >= 300) {
      await response.body?.cancel();
      breaker.success();
      report({ path, attempt, outcome: "client_error", status, durationMs: elapsed() });
      return {
        retry: false,
        error: upstreamError("UPSTREAM_BAD_RESPONSE", config.name, `${config.name} answered ${status}`),
      };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (signal.aborted) throw signal.reason;
      breaker.failure();
      report({ path, attempt, outcome: "bad_response", status, durationMs: elapsed() });
      return {
        retry: false,
        error: upstreamError("UPSTREAM_BAD_RESPONSE", config.name, `${config.name} sent a body that is not JSON`),
      };
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      breaker.failure();
      report({ path, attempt, outcome: "bad_response", status, durationMs: elapsed() });
      const where = parsed.error.issues[0]?.path.join(".") || "body";
      return {
        retry: false,
        error: upstreamError("UPSTREAM_BAD_RESPONSE", config.name, `${config.name} sent an unexpected ${where}`),
      };
    }
    breaker.success();
    report({ path, attempt, outcome: "ok", status, durationMs: elapsed() });
    return { value: parsed.data };
  }

  async function fetchWithRetries<T>(path: string, schema: z.ZodType<T>, callerSignal: AbortSignal): Promise<T | null> {
    const budget = AbortSignal.timeout(config.timeoutMs);
    const signal = AbortSignal.any([callerSignal, budget]);
    const deadline = performance.now() + config.timeoutMs;
    let lastError = upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} is unavailable`);
    for (let attempt = 0; attempt <= config.retries; attempt++) {
      if (!breaker.allow()) {
        report({ path, attempt, outcome: "breaker_open", durationMs: 0 });
        throw upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} is unavailable (circuit open)`);
      }
      try {
        const result = await fetchOnce(path, schema, signal, attempt);
        if ("value" in result) return result.value as T | null;
        lastError = result.error;
        if (!result.retry) break;
      } catch (error) {
        if (budget.aborted && !callerSignal.aborted) {
          breaker.failure();
          report({ path, attempt, outcome: "timeout", durationMs: 0 });
          throw upstreamError(
            "UPSTREAM_TIMEOUT",
            config.name,
            `${config.name} did not answer within ${config.timeoutMs} ms`,
          );
        }
        report({ path, attempt, outcome: "cancelled", durationMs: 0 });
        throw error;
      }
      if (attempt === config.retries) break;
      const delay = backoffMs * 2 ** attempt * (1 + Math.random());
      if (performance.now() + delay >= deadline) break;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delay);
        signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          { once: true },
        );
      }).catch((reason: unknown) => {
        if (budget.aborted && !callerSignal.aborted) {
          throw upstreamError(
            "UPSTREAM_TIMEOUT",
            config.name,
            `${config.name} did not answer within ${config.timeoutMs} ms`,
          );
        }
        throw reason;
      });
    }
    throw lastError;
  }

  return {
    name: config.name,
    breaker,
    async get(path, schema, { signal, cache = true } = {}) {
      // One span per call (with its attempts as child HTTP spans from the undici instrumentation).
      const load = (sharedSignal: AbortSignal) =>
        traced(`upstream ${config.name}`, { "sokudo.upstream.service": config.name, "url.path": path }, () =>
          fetchWithRetries(path, schema, sharedSignal),
        );
      const ttl = cache ? config.cacheTtlSeconds : 0;
      try {
        const { value, hit } = await options.cache.getOrLoad(`${ttl > 0 ? "" : "uncached:"}${path}`, ttl, load, {
          signal,
        });
        if (ttl > 0) options.onCache?.(config.name, hit);
        return value;
      } catch (error) {
        if (isUpstreamError(error)) throw error;
        if (signal?.aborted) throw error;
        throw upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} call failed: ${String(error)}`);
      }
    },
  };
}
