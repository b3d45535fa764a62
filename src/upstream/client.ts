import {
  BrokenCircuitError,
  bulkhead,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  type FailureReason,
  handleWhenResult,
  type IHalfOpenAfterBackoffContext,
} from "cockatiel";
import type { GraphQLError } from "graphql";
import type { z } from "zod";
import type { CacheAside } from "../cache/cache-aside.ts";
import { traced } from "../observability/tracing.ts";
import { isUpstreamError, upstreamError } from "./errors.ts";

/**
 * The one place Sokudo calls external HTTP services (JSON over GET). Per service: a time budget
 * that covers every retry, up to `retries` retries with exponential backoff and jitter on network
 * errors and 5xx (never on 4xx), a circuit breaker, a concurrency cap, cache-aside with a TTL and
 * single flight (identical calls in flight share one request), and cancellation: a request that
 * every waiting caller has abandoned is aborted. 404 is null. Every attempt is reported to
 * `onCall`, the hook for metrics and traces. The breaker and the cap are cockatiel's
 * (`circuitBreaker` with a `ConsecutiveBreaker`, `bulkhead`).
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

/** As the metrics gauge reads it: "half-open" once a call would be let through as the trial. */
export type BreakerState = "closed" | "open" | "half-open";

export interface UpstreamClient {
  readonly name: string;
  readonly breaker: { readonly state: BreakerState };
  /** The validated body, or null for 404. Throws a GraphQLError with an UPSTREAM_* code. */
  get<T>(path: string, schema: z.ZodType<T>, options?: { signal?: AbortSignal; cache?: boolean }): Promise<T | null>;
}

export interface UpstreamClientOptions {
  cache: CacheAside;
  onCall?: (event: UpstreamCallEvent) => void;
  /** Each cached call: served from the cache (hit) or fetched (miss). */
  onCache?: (service: string, hit: boolean) => void;
  /** `failureThreshold` failed attempts in a row open the breaker for `openMs`; then one trial call. */
  breaker?: { failureThreshold: number; openMs: number };
  /** First backoff step; doubles each retry, plus up to as much again of jitter. */
  backoffMs?: number;
}

/**
 * One attempt as the breaker sees it; `failure` counts toward opening it. "timeout": the time
 * budget ran out; "aborted": every caller went away.
 */
type Attempt<T> =
  | { kind: "value"; value: T | null; failure: false }
  | { kind: "error"; error: GraphQLError; retry: boolean; failure: boolean }
  | { kind: "timeout"; failure: true }
  | { kind: "aborted"; reason: unknown; failure: boolean };

const isAbandoned = (result: FailureReason<unknown>) =>
  "value" in result && (result.value as Attempt<unknown>).kind === "aborted";

/**
 * The breaker: attempts run through `attempt`, which answers "open" instead of running one while
 * the breaker is open, or while its half-open trial is in flight (cockatiel would make such a
 * call wait for the trial; here it fails fast, as a call does while open).
 *
 * A trial whose callers all went away tells nothing about the upstream, but it must settle the
 * half-open state, or the breaker would never close: it counts as a failure with no wait
 * (`halfOpenAfter` 0), so the next call is the new trial. Thrown, it would close the breaker
 * (cockatiel reads an error its policy does not handle as a success), and with callers gone the
 * upstream may well be hanging. While closed, a call whose callers went away is not counted.
 */
function createBreaker(options: { failureThreshold: number; openMs: number }) {
  let openedAt = 0;
  let openFor = options.openMs;
  const policy = circuitBreaker(
    handleWhenResult((result) => (result as Attempt<unknown>).failure),
    {
      halfOpenAfter: new DelegateBackoff<IHalfOpenAfterBackoffContext>((context) => {
        openFor = isAbandoned(context.result) ? 0 : options.openMs;
        return openFor;
      }),
      breaker: new ConsecutiveBreaker(options.failureThreshold),
    },
  );
  // Fires after cockatiel's own opening timestamp, so "half-open" is never read too early.
  policy.onBreak(() => (openedAt = Date.now()));

  return {
    get state(): BreakerState {
      if (policy.state === CircuitState.Closed) return "closed";
      if (policy.state === CircuitState.HalfOpen) return "half-open";
      // cockatiel moves to HalfOpen only when a call arrives; the gauge sees it as soon as one may.
      return policy.state === CircuitState.Open && Date.now() - openedAt >= openFor ? "half-open" : "open";
    },
    /** Runs `run` through the breaker; `trial` tells it whether it is the half-open trial. */
    async attempt<T>(run: (trial: boolean) => Promise<Attempt<T>>): Promise<Attempt<T> | "open"> {
      if (policy.state === CircuitState.HalfOpen) return "open";
      // An open breaker runs a call only as its trial (or refuses it); read synchronously before
      // execute, which decides from the same state.
      const trial = policy.state === CircuitState.Open;
      try {
        return await policy.execute(() => run(trial));
      } catch (error) {
        if (error instanceof BrokenCircuitError) return "open";
        throw error;
      }
    },
  };
}

export function createUpstreamClient(config: UpstreamServiceConfig, options: UpstreamClientOptions): UpstreamClient {
  const breaker = createBreaker(options.breaker ?? { failureThreshold: 5, openMs: 10_000 });
  // At most `concurrency` requests at once; the rest wait in order, without a bound (as many as
  // callers: each is bounded by its time budget and leaves the queue once its signal aborts).
  const limiter = bulkhead(config.concurrency, Number.POSITIVE_INFINITY);
  const backoffMs = options.backoffMs ?? 50;
  const report = (event: Omit<UpstreamCallEvent, "service">) => options.onCall?.({ service: config.name, ...event });

  async function fetchOnce<T>(path: string, schema: z.ZodType<T>, signal: AbortSignal, attempt: number) {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const aborted = (): Attempt<T> => ({ kind: "aborted", reason: signal.reason, failure: false });
    let response: Response;
    try {
      response = await limiter.execute(
        () => fetch(new URL(path, config.baseUrl), { signal, headers: { accept: "application/json" } }),
        signal,
      );
    } catch (error) {
      if (signal.aborted) return aborted();
      report({ path, attempt, outcome: "network_error", durationMs: elapsed() });
      return {
        kind: "error",
        retry: true,
        failure: true,
        error: upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} is unreachable: ${String(error)}`),
      } satisfies Attempt<T>;
    }
    const status = response.status;
    if (status === 404) {
      await response.body?.cancel();
      report({ path, attempt, outcome: "not_found", status, durationMs: elapsed() });
      return { kind: "value", value: null, failure: false } satisfies Attempt<T>;
    }
    if (status >= 500) {
      await response.body?.cancel();
      report({ path, attempt, outcome: "server_error", status, durationMs: elapsed() });
      return {
        kind: "error",
        retry: true,
        failure: true,
        error: upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} answered ${status}`),
      } satisfies Attempt<T>;
    }
    if (status >= 400 || status < 200 || status >= 300) {
      await response.body?.cancel();
      report({ path, attempt, outcome: "client_error", status, durationMs: elapsed() });
      return {
        kind: "error",
        retry: false,
        failure: false,
        error: upstreamError("UPSTREAM_BAD_RESPONSE", config.name, `${config.name} answered ${status}`),
      } satisfies Attempt<T>;
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (signal.aborted) return aborted();
      report({ path, attempt, outcome: "bad_response", status, durationMs: elapsed() });
      return {
        kind: "error",
        retry: false,
        failure: true,
        error: upstreamError("UPSTREAM_BAD_RESPONSE", config.name, `${config.name} sent a body that is not JSON`),
      } satisfies Attempt<T>;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      report({ path, attempt, outcome: "bad_response", status, durationMs: elapsed() });
      const where = parsed.error.issues[0]?.path.join(".") || "body";
      return {
        kind: "error",
        retry: false,
        failure: true,
        error: upstreamError("UPSTREAM_BAD_RESPONSE", config.name, `${config.name} sent an unexpected ${where}`),
      } satisfies Attempt<T>;
    }
    report({ path, attempt, outcome: "ok", status, durationMs: elapsed() });
    return { kind: "value", value: parsed.data, failure: false } satisfies Attempt<T>;
  }

  async function fetchWithRetries<T>(path: string, schema: z.ZodType<T>, callerSignal: AbortSignal): Promise<T | null> {
    const budget = AbortSignal.timeout(config.timeoutMs);
    const signal = AbortSignal.any([callerSignal, budget]);
    const deadline = performance.now() + config.timeoutMs;
    const timedOut = () => budget.aborted && !callerSignal.aborted;
    const timeoutError = () =>
      upstreamError("UPSTREAM_TIMEOUT", config.name, `${config.name} did not answer within ${config.timeoutMs} ms`);
    let lastError = upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} is unavailable`);
    for (let attempt = 0; attempt <= config.retries; attempt++) {
      let result: Attempt<T> | "open";
      try {
        result = await breaker.attempt<T>(async (trial) => {
          const once = await fetchOnce(path, schema, signal, attempt);
          if (once.kind !== "aborted") return once;
          if (timedOut()) return { kind: "timeout", failure: true };
          // Every caller went away: settles a trial (see createBreaker), is not counted otherwise.
          if (trial) return { ...once, failure: true };
          throw once.reason;
        });
      } catch (error) {
        report({ path, attempt, outcome: "cancelled", durationMs: 0 });
        throw error;
      }
      if (result === "open") {
        report({ path, attempt, outcome: "breaker_open", durationMs: 0 });
        throw upstreamError("UPSTREAM_UNAVAILABLE", config.name, `${config.name} is unavailable (circuit open)`);
      }
      if (result.kind === "value") return result.value;
      if (result.kind === "aborted") {
        report({ path, attempt, outcome: "cancelled", durationMs: 0 });
        throw result.reason;
      }
      if (result.kind === "timeout") {
        report({ path, attempt, outcome: "timeout", durationMs: 0 });
        throw timeoutError();
      }
      lastError = result.error;
      if (!result.retry) break;
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
        if (timedOut()) throw timeoutError();
        throw reason;
      });
    }
    throw lastError;
  }

  return {
    name: config.name,
    breaker: {
      get state() {
        return breaker.state;
      },
    },
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
