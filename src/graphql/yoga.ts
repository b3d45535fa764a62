import { createServer as createHttpServer, type Server } from "node:http";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { createYoga, type Plugin, type YogaServerInstance, maskError as yogaMaskError } from "graphql-yoga";
import type { Redis } from "ioredis";
import type { TokenService } from "../auth/token.ts";
import type { CacheStore, ResponseCacheBackend } from "../cache/index.ts";
import { createResponseCache } from "../cache/response-cache.ts";
import type { Config } from "../config.ts";
import { type Context, createContextFactory } from "../schema/context.ts";
import type { Database } from "../data/db.ts";
import { createSql } from "../data/sql.ts";
import { useErrorCodes } from "./error-codes.ts";
import { clientErrorForDatabaseFailure } from "../errors.ts";
import { createDocumentCache } from "./document-cache.ts";
import { useDocumentLimits } from "./document-limits.ts";
import { useCostLimit } from "./cost.ts";
import { useExecutionDeadline } from "./execution-deadline.ts";
import { useRequestErrors } from "./request-errors.ts";
import { useBodyLimit } from "./body-limit.ts";
import { useJitExecution } from "./jit.ts";
import { useValidationCache } from "./validation-cache.ts";
import { renderSokudoGraphiQL } from "./graphiql.ts";
import { corsOptions } from "./cors.ts";
import { trackForDrain } from "../http/drain.ts";
import { useConfiguredRateLimits } from "./rate-limit.ts";
import { useTrustedDocuments } from "./trusted-documents.ts";
import type { Logger } from "../observability/logger.ts";
import { pendingMigrations } from "../migrate/apply.ts";
import { schema } from "../schema/index.ts";
import { useReportDownloads } from "../http/downloads.ts";
import type { JobEvents } from "../jobs/tracking.ts";
import { createMetrics, type JobQueueSnapshot, type Metrics, useMetrics } from "../observability/metrics.ts";
import { tracingEnabled, useTracing } from "../observability/tracing.ts";
import { sqlStatsOf, useServerTiming } from "./server-timing.ts";
import { attachWebSocket } from "../http/websocket.ts";
import type { Upstreams } from "../upstream/services.ts";

export interface ServerDependencies {
  config: Config;
  db: Database;
  /** Redis or memory (cache/index.ts): cache-aside data. */
  cache: CacheStore;
  /** Redis or memory (cache/index.ts): whole responses, when RESPONSE_CACHE is on. */
  responses: ResponseCacheBackend;
  upstreams: Upstreams;
  /** Prometheus metrics (served at /metrics); the upstream hook should feed the same object. */
  metrics: Metrics;
  /** Job changes (PostgreSQL LISTEN), for `jobUpdated` subscriptions. */
  jobEvents: JobEvents;
  tokens: TokenService;
  logger: Logger;
  /** The caches' Redis connection (REDIS_URL): rate limits count there, in memory without it. */
  redis?: Redis;
}

export type SokudoYoga = YogaServerInstance<Record<string, unknown>, Context>;

export function createYogaServer({
  config,
  db,
  responses,
  upstreams,
  metrics,
  jobEvents,
  tokens,
  logger,
  redis,
}: ServerDependencies): SokudoYoga {
  const development = config.env !== "production";
  const responseCache = config.responseCache.enabled
    ? createResponseCache({ backend: responses, schema, tokens, ttl: config.responseCache.ttl })
    : undefined;
  const documentCache = createDocumentCache(64 * 1024 * 1024);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    context: createContextFactory({
      prisma: db.prisma,
      sql: createSql(db.pool, db.prisma),
      tokens,
      upstreams,
      jobEvents,
    }),
    graphqlEndpoint: "/graphql",
    cors: corsOptions(config.cors),
    landingPage: false,
    graphiql: development,
    renderGraphiQL: renderSokudoGraphiQL,
    // useBodyLimit (below) applies GRAPHQL_MAX_BODY_BYTES without Yoga's per-request stream.
    maxRequestBodySize: false,
    // Validation results are remembered by useValidationCache (below), per parsed document.
    parserAndValidationCache: { ...documentCache, validationCache: false },
    logging: logger,
    maskedErrors: {
      isDev: development,
      maskError: (error, message, isDev) => exposeExpectedError(error) ?? yogaMaskError(error, message, isDev),
    },
    plugins: [
      useRequestErrors(),
      // First: nothing below may parse, print, analyse or remember a document over a limit.
      useDocumentLimits(
        schema,
        { ...config.limits, maxBytes: config.limits.maxBodyBytes, maxDirectives: 50 },
        documentCache.documentCache,
      ),
      ...useTrustedDocuments({ config: config.trustedDocuments, graphqlEndpoint: "/graphql", development }),
      // Depth, token, alias and directive limits run in useDocumentLimits, before any other work.
      EnvelopArmorPlugin({
        maxDepth: { enabled: false },
        maxTokens: { enabled: false },
        maxAliases: { enabled: false },
        costLimit: { enabled: false },
        maxDirectives: { enabled: false },
        blockFieldSuggestion: { enabled: !development },
      }),
      useConfiguredRateLimits({ config, redis, logger, graphqlEndpoint: "/graphql" }),
      useErrorCodes(),
      // Before the deadline, which wraps whichever executor is chosen (jit's for queries and mutations).
      useJitExecution(schema),
      useCostLimit(schema, config.limits.maxCost),
      useExecutionDeadline(config.limits.executionTimeoutMs),
      ...(tracingEnabled() ? [useTracing({ cacheStatus: responseCache?.statusOf })] : []),
      useMetrics(metrics, { cacheStatus: responseCache?.statusOf, sqlOf: sqlStatsOf }),
      useServerTiming({ cacheStatus: responseCache?.statusOf }),
      ...(responseCache ? [responseCache.plugin] : []),
      useHealthChecks(db, jobEvents),
      useReportDownloads({ reportsDir: config.jobs.reportsDir, tokens, prisma: db.prisma }),
      // Last, as Yoga places its own limit: it wraps whichever request parser was chosen.
      useBodyLimit(config.limits.maxBodyBytes),
      // After every plugin that could add a validation rule.
      useValidationCache(),
    ],
  });
}

/** Errors our own code means for the client: Pothos argument validation, database outages and rejected values. */
function exposeExpectedError(error: unknown): GraphQLError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const original = error.originalError;
  if (original instanceof PothosValidationError) {
    // The same instance with a code: Yoga logs every error it has to replace as unexpected.
    Object.assign(error.extensions, { code: "BAD_USER_INPUT" });
    return error;
  }
  if (original instanceof Error && /timeout exceeded when trying to connect/i.test(original.message)) {
    return new GraphQLError("The database is busy; try again shortly", {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: "DATABASE_UNAVAILABLE" },
    });
  }
  const database = original ? clientErrorForDatabaseFailure(original) : undefined;
  if (database) {
    // A new error, as for the busy pool above: graphql-jit's errors do not let their message be rewritten.
    return new GraphQLError(database.message, {
      nodes: error.nodes,
      path: error.path,
      originalError: original,
      extensions: { ...error.extensions, ...database.extensions },
    });
  }
  return undefined;
}

/**
 * GET /healthz: the process is alive. GET /readyz: the database answers, no migration is pending
 * and the job-events LISTEN connection is up (subscriptions would hear nothing without it).
 */
function useHealthChecks(db: Database, jobEvents: JobEvents): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === "/healthz") {
        endResponse(fetchAPI.Response.json({ status: "ok" }));
      } else if (url.pathname === "/readyz") {
        const client = await db.pool.connect().catch(() => null);
        if (!client) {
          endResponse(fetchAPI.Response.json({ status: "unavailable", database: "unreachable" }, { status: 503 }));
          return;
        }
        try {
          const pending = await pendingMigrations(client);
          const ready = pending.length === 0 && jobEvents.listening;
          endResponse(
            fetchAPI.Response.json(
              {
                status: ready ? "ok" : "unavailable",
                database: "ok",
                pendingMigrations: pending,
                jobEvents: jobEvents.listening ? "ok" : "reconnecting",
              },
              { status: ready ? 200 : 503 },
            ),
          );
        } finally {
          client.release();
        }
      }
    },
  };
}

export interface HttpServer {
  server: Server;
  url: string;
  /**
   * Drains (src/http/drain.ts): idle keep-alive connections close at once, requests in flight are
   * answered with `Connection: close`; rejects if any is still running after `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
}

export async function listen(yoga: SokudoYoga, host: string, port: number): Promise<HttpServer> {
  const server = createHttpServer(yoga);
  const drainable = trackForDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const closeWebSockets = attachWebSocket(server, yoga);
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return {
    server,
    url: `http://${shownHost}:${actualPort}`,
    close: async (graceMs = 10_000) => {
      const drained = drainable.drain(graceMs);
      await closeWebSockets();
      await drained;
    },
  };
}

/** Metrics fed by the server's own resources: pool and cache outages (upstream breakers: watchBreakers). */
export function createServerMetrics(db: Database, cache: CacheStore, responses: ResponseCacheBackend) {
  return createMetrics({
    pool: () => ({ total: db.pool.totalCount, idle: db.pool.idleCount, waiting: db.pool.waitingCount }),
    cacheOutages: () => cache.outages + responses.outages,
    jobs: () => readJobQueue(db),
  });
}

/** Lets the metrics read each upstream client's breaker state. */
export function watchUpstreamBreakers(metrics: Metrics, upstreams: Upstreams): void {
  metrics.watchBreakers(() =>
    Object.fromEntries(Object.entries(upstreams.clients).map(([name, client]) => [name, client.breaker.state])),
  );
}

async function readJobQueue(db: Database): Promise<JobQueueSnapshot> {
  const ready = await db.pool.query<{ task: string; count: number; oldest: number | null }>(
    `SELECT task_identifier AS task, count(*)::int AS count, extract(epoch FROM now() - min(run_at))::float AS oldest
     FROM graphile_worker.jobs WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts
     GROUP BY 1`,
  );
  const tracked = await db.pool.query<{ kind: string; status: string; count: number }>(
    `SELECT kind, status, count(*)::int AS count FROM jobs GROUP BY 1, 2`,
  );
  const workers = await db.pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM job_workers`);
  return {
    readyByTask: Object.fromEntries(ready.rows.map((row) => [row.task, row.count])),
    oldestReadyAgeSeconds: Math.max(0, ...ready.rows.map((row) => row.oldest ?? 0)),
    tracked: tracked.rows,
    workers: workers.rows[0]?.count ?? 0,
  };
}
