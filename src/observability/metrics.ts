import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics, served at GET /metrics. Labels are bounded: operation names (at most
 * MAX_OPERATION_NAMES distinct, then "other"), error codes, services, outcomes; never raw
 * documents or ids.
 */
const MAX_OPERATION_NAMES = 200;
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One upstream attempt, as the metrics read it (the upstream client's call event is one). */
export interface UpstreamCallSample {
  service: string;
  /** "breaker_open" is counted but has no duration. */
  outcome: string;
  /** 0 for the first attempt; later ones are retries. */
  attempt: number;
  durationMs: number;
}

/** The operation a request ran, as the metrics and the operation span read it. */
export interface OperationSample {
  type: string | undefined;
  name: string | undefined;
}

/** An upstream circuit breaker's state, as the gauge reads it. */
export type BreakerStateSample = "closed" | "open" | "half-open";

export interface Metrics {
  registry: Registry;
  requests: Counter<"operation_name" | "operation_type">;
  requestDuration: Histogram<"operation_name" | "operation_type">;
  errors: Counter<"code">;
  sqlStatements: Counter<"operation_name">;
  sqlDuration: Histogram<"operation_name">;
  responseCache: Counter<"result">;
  upstreamCalls: Counter<"service" | "outcome">;
  upstreamDuration: Histogram<"service">;
  upstreamRetries: Counter<"service">;
  upstreamCache: Counter<"service" | "result">;
  /** CDN purge requests by outcome (sent, retried, failed). */
  cdnPurges: Counter<"outcome">;
  operationName(name: string | undefined): string;
  /** Where the breaker-state gauge reads from (set once the upstream clients exist). */
  watchBreakers(states: () => Record<string, BreakerStateSample>): void;
  recordUpstreamCall(event: UpstreamCallSample): void;
  recordUpstreamCache(service: string, hit: boolean): void;
}

export interface JobQueueSnapshot {
  /** Ready to run now (due, unlocked, attempts left), per task. */
  readyByTask: Record<string, number>;
  /** Age of the oldest ready job: how late the queue is running. */
  oldestReadyAgeSeconds: number;
  /** Tracked jobs (our `jobs` table) per kind and status. */
  tracked: { kind: string; status: string; count: number }[];
  /** Worker processes registered as alive (`job_workers`). */
  workers: number;
}

export interface MetricSources {
  jobs?: () => Promise<JobQueueSnapshot>;
  pool?: () => { total: number; idle: number; waiting: number };
  cacheOutages?: () => number;
}

export function createMetrics(sources: MetricSources = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "sokudo_process_" });
  // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool flags them).
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    registry.removeSingleMetric(`sokudo_process_${name}`);
  }
  const knownNames = new Set<string>();
  let breakerStates: (() => Record<string, BreakerStateSample>) | undefined;

  const metrics: Metrics = {
    registry,
    requests: new Counter({
      name: "sokudo_graphql_requests_total",
      help: "GraphQL requests by operation",
      labelNames: ["operation_name", "operation_type"],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: "sokudo_graphql_request_duration_seconds",
      help: "GraphQL request latency by operation",
      labelNames: ["operation_name", "operation_type"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    errors: new Counter({
      name: "sokudo_graphql_errors_total",
      help: "GraphQL errors returned to clients, by extensions.code",
      labelNames: ["code"],
      registers: [registry],
    }),
    sqlStatements: new Counter({
      name: "sokudo_sql_statements_total",
      help: "SQL statements sent, by GraphQL operation",
      labelNames: ["operation_name"],
      registers: [registry],
    }),
    sqlDuration: new Histogram({
      name: "sokudo_sql_duration_seconds",
      help: "Time spent in SQL per GraphQL request, by operation",
      labelNames: ["operation_name"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    responseCache: new Counter({
      name: "sokudo_response_cache_requests_total",
      help: "Queries answered through the response cache, by result (hit, miss)",
      labelNames: ["result"],
      registers: [registry],
    }),
    upstreamCalls: new Counter({
      name: "sokudo_upstream_calls_total",
      help: "Upstream HTTP attempts by service and outcome",
      labelNames: ["service", "outcome"],
      registers: [registry],
    }),
    upstreamDuration: new Histogram({
      name: "sokudo_upstream_call_duration_seconds",
      help: "Upstream HTTP attempt latency by service",
      labelNames: ["service"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    upstreamRetries: new Counter({
      name: "sokudo_upstream_retries_total",
      help: "Upstream attempts that were retries, by service",
      labelNames: ["service"],
      registers: [registry],
    }),
    cdnPurges: new Counter({
      name: "sokudo_cdn_purges_total",
      help: "CDN purge requests by outcome (sent, retried, failed)",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    upstreamCache: new Counter({
      name: "sokudo_upstream_cache_requests_total",
      help: "Upstream calls answered from the cache (hit) or fetched (miss), per service",
      labelNames: ["service", "result"],
      registers: [registry],
    }),
    operationName(name) {
      if (!name) return "anonymous";
      if (!/^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(name)) return "other";
      if (knownNames.has(name)) return name;
      if (knownNames.size >= MAX_OPERATION_NAMES) return "other";
      knownNames.add(name);
      return name;
    },
    watchBreakers(states) {
      breakerStates = states;
    },
    recordUpstreamCache(service, hit) {
      metrics.upstreamCache.inc({ service, result: hit ? "hit" : "miss" });
    },
    recordUpstreamCall(event) {
      metrics.upstreamCalls.inc({ service: event.service, outcome: event.outcome });
      if (event.outcome !== "breaker_open")
        metrics.upstreamDuration.observe({ service: event.service }, event.durationMs / 1000);
      if (event.attempt > 0) metrics.upstreamRetries.inc({ service: event.service });
    },
  };

  if (sources.pool) {
    const pool = sources.pool;
    new Gauge({
      name: "sokudo_db_pool_connections",
      help: "PostgreSQL pool connections by state (in_use, idle, waiting requests)",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        const { total, idle, waiting } = pool();
        this.set({ state: "in_use" }, total - idle);
        this.set({ state: "idle" }, idle);
        this.set({ state: "waiting" }, waiting);
      },
    });
  }
  if (sources.cacheOutages) {
    const outages = sources.cacheOutages;
    new Gauge({
      name: "sokudo_cache_outages",
      help: "Cache operations skipped or failed because Redis was unavailable, since start",
      registers: [registry],
      collect() {
        this.set(outages());
      },
    });
  }
  new Gauge({
    name: "sokudo_upstream_breaker_state",
    help: "Upstream circuit breaker per service: 0 closed, 1 half-open, 2 open",
    labelNames: ["service"],
    registers: [registry],
    collect() {
      for (const [service, state] of Object.entries(breakerStates?.() ?? {})) {
        this.set({ service }, state === "closed" ? 0 : state === "half-open" ? 1 : 2);
      }
    },
  });
  if (sources.jobs) {
    const jobs = sources.jobs;
    // One snapshot per scrape, shared by the job gauges. When the database cannot answer, the
    // labelled job gauges have no samples, the others are NaN (unknown, not 0), and the rest of
    // /metrics still answers (pool, cache, requests).
    let snapshot: Promise<JobQueueSnapshot | undefined> | undefined;
    const read = () => {
      snapshot ??= jobs()
        .catch(() => undefined)
        .finally(() => setTimeout(() => (snapshot = undefined), 1_000).unref());
      return snapshot;
    };
    new Gauge({
      name: "sokudo_job_queue_depth",
      help: "Background jobs ready to run now, per task",
      labelNames: ["task"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [task, count] of Object.entries((await read())?.readyByTask ?? {})) this.set({ task }, count);
      },
    });
    new Gauge({
      name: "sokudo_job_oldest_ready_age_seconds",
      help: "How long the oldest ready job has waited to start",
      registers: [registry],
      async collect() {
        this.set((await read())?.oldestReadyAgeSeconds ?? Number.NaN);
      },
    });
    new Gauge({
      name: "sokudo_job_workers",
      help: "Job worker processes registered as alive (npm run worker, and npm start's own)",
      registers: [registry],
      async collect() {
        this.set((await read())?.workers ?? Number.NaN);
      },
    });
    new Gauge({
      name: "sokudo_jobs_tracked",
      help: "Tracked jobs (requested by users) per task and status; status=failed counts permanent failures",
      labelNames: ["task", "status"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { kind, status, count } of (await read())?.tracked ?? []) this.set({ task: kind, status }, count);
      },
    });
  }
  return metrics;
}

/** Request metrics per GraphQL operation (GET /metrics is http/metrics-route.ts). */
export function useMetrics(
  metrics: Metrics,
  options: {
    cacheStatus?: (request: Request) => "hit" | "miss" | undefined;
    sqlOf?: (request: Request) => { statements: number; durationMs: number } | undefined;
    /** The operation the request runs, as its request record says (undefined before it is known). */
    operationOf: (request: Request) => OperationSample | undefined;
  },
): Plugin {
  const started = new WeakMap<Request, number>();
  return {
    onParams({ request }) {
      started.set(request, performance.now());
    },
    onResultProcess({ result }) {
      const errors = Array.isArray(result) ? [] : ((result as { errors?: readonly GraphQLError[] }).errors ?? []);
      for (const error of errors) metrics.errors.inc({ code: String(error.extensions?.code ?? "UNKNOWN") });
    },
    onResponse({ request }) {
      const at = started.get(request);
      if (at === undefined) return;
      const operation = options.operationOf(request);
      const name = metrics.operationName(operation?.name);
      // No operation to run (an unknown operationName, several and none chosen): "unknown".
      const labels = { operation_name: name, operation_type: operation?.type ?? "unknown" };
      metrics.requests.inc(labels);
      metrics.requestDuration.observe(labels, (performance.now() - at) / 1000);
      const sql = options.sqlOf?.(request);
      if (sql) {
        metrics.sqlStatements.inc({ operation_name: name }, sql.statements);
        metrics.sqlDuration.observe({ operation_name: name }, sql.durationMs / 1000);
      }
      const cache = options.cacheStatus?.(request);
      if (cache) metrics.responseCache.inc({ result: cache });
    },
  };
}
