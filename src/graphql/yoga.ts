import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { GraphQLError } from "graphql";
import { createYoga, type Plugin, type YogaServerInstance, maskError as yogaMaskError } from "graphql-yoga";
import type { Viewers } from "../auth/viewer.ts";
import type { RedisClient, ResponseCacheBackend } from "../cache/index.ts";
import { createPersistedDocumentStore } from "../cache/persisted-store.ts";
import { createResponseCache } from "../cache/response-cache.ts";
import type { Config } from "../config.ts";
import { type Context, createContextFactory } from "../schema/context.ts";
import type { Database } from "../data/db.ts";
import type { Replicas } from "../data/replicas.ts";
import { createSql, type Sql } from "../data/sql.ts";
import type { WriteMarks } from "../cache/write-marks.ts";
import { createReadRoutes } from "./read-route.ts";
import { useErrorCodes } from "./error-codes.ts";
import { exposeExpectedError } from "./error-masking.ts";
import { createDocumentCache } from "./document-cache.ts";
import { documentLimitsOf } from "./document-limits.ts";
import { createRequestRecords } from "./request-record.ts";
import { useMutationReceipts } from "./receipts.ts";
import { useCostLimit } from "./cost.ts";
import { useExecutionDeadline } from "./execution-deadline.ts";
import { useIntrospectionPolicy } from "./introspection.ts";
import { useRequestErrors } from "./request-errors.ts";
import { useTransportErrors } from "./transport-errors.ts";
import { useBodyLimit } from "./body-limit.ts";
import { useIncrementalDelivery } from "./incremental-delivery.ts";
import { useJitExecution } from "./jit.ts";
import { useValidationCache } from "./validation-cache.ts";
import { renderSokudoGraphiQL } from "./graphiql.ts";
import { corsOptions } from "./cors.ts";
import { useConfiguredRateLimits } from "./rate-limit.ts";
import { useTrustedDocuments } from "./trusted-documents.ts";
import type { Logger } from "../observability/logger.ts";
import { schema } from "../schema/index.ts";
import type { CommentEvents } from "../jobs/comment-events.ts";
import type { JobEvents } from "../jobs/tracking.ts";
import { type Metrics, useMetrics } from "../observability/metrics.ts";
import { tracingEnabled, useTracing } from "../observability/tracing.ts";
import { sqlStatsOf, useServerTiming } from "./server-timing.ts";
import type { Upstreams } from "../upstream/services.ts";

export interface ServerDependencies {
  config: Config;
  db: Database;
  /** Redis or memory (cache/index.ts): whole responses, when RESPONSE_CACHE is on. */
  responses: ResponseCacheBackend;
  upstreams: Upstreams;
  /** Prometheus metrics (served at /metrics); the upstream hook should feed the same object. */
  metrics: Metrics;
  /** Job changes (PostgreSQL LISTEN), for `jobUpdated` subscriptions. */
  jobEvents: JobEvents;
  /** New comments by post (the same LISTEN connection), for `commentAdded` subscriptions. */
  commentEvents: CommentEvents;
  /** Who is asking (auth/viewer.ts): the same answer for the context and the response cache. */
  viewers: Viewers;
  logger: Logger;
  /** The caches' Redis connection (REDIS_URL or REDIS_CLUSTER_NODES): rate limits count there, in memory without it. */
  redis?: RedisClient;
  /** Plugins that answer routes of their own (health, downloads), handed over by the composition root (app.ts). */
  routes?: Plugin[];
  /** The primary's prepared statements (made here when not given). */
  sql?: Sql;
  /** DATABASE_REPLICA_URLS: the replicas queries may read from, and each user's position after their last write. */
  reads?: { replicas: Replicas; marks: WriteMarks };
}

export type SokudoYoga = YogaServerInstance<Record<string, unknown>, Context>;

export function createYogaServer({
  config,
  db,
  responses,
  upstreams,
  metrics,
  jobEvents,
  commentEvents,
  viewers,
  logger,
  redis,
  routes = [],
  sql = createSql(db.pool, db.prisma),
  reads,
}: ServerDependencies): SokudoYoga {
  const development = config.env !== "production";
  const documentCache = createDocumentCache(64 * 1024 * 1024);
  const records = createRequestRecords({
    schema,
    limits: documentLimitsOf(config.limits),
    documents: documentCache.documentCache,
    viewers,
  });
  const responseCache = config.responseCache.enabled
    ? createResponseCache({ backend: responses, schema, records, ttl: config.responseCache.ttl })
    : undefined;
  const readRoutes =
    reads && createReadRoutes({ records, ...reads, primary: sql, mayStore: responseCache?.mayStore, logger });
  const operationOf = (request: Request) => {
    const record = records.of(request);
    return record && { type: record.operationType, name: record.operationName };
  };
  return createYoga<Record<string, unknown>, Context>({
    schema,
    context: createContextFactory({
      prisma: db.prisma,
      sql,
      sqlOf: readRoutes?.sqlOf,
      viewers,
      viewerOf: records.viewerOf,
      upstreams,
      jobEvents,
      commentEvents,
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
      // Trusted documents first: they decide which document a request runs (its text or its hash).
      ...useTrustedDocuments({
        config: config.trustedDocuments,
        graphqlEndpoint: "/graphql",
        development,
        parse: records.parse,
        registered: createPersistedDocumentStore({
          redis,
          keyPrefix: config.redis.keyPrefix,
          maxBytes: 16 << 20,
          logger,
        }),
      }),
      // Then the request record, which every plugin below reads; nothing below parses, prints or
      // analyses a document over a limit: the record parses within them.
      records.plugin,
      // Depth, token, alias and directive limits run in useDocumentLimits, before any other work.
      EnvelopArmorPlugin({
        maxDepth: { enabled: false },
        maxTokens: { enabled: false },
        maxAliases: { enabled: false },
        costLimit: { enabled: false },
        maxDirectives: { enabled: false },
        blockFieldSuggestion: { enabled: !development },
      }),
      useConfiguredRateLimits({
        rateLimits: config.rateLimits,
        keyPrefix: config.redis.keyPrefix,
        redis,
        logger,
        graphqlEndpoint: "/graphql",
        operationOf: (request) => records.of(request)?.operation,
      }),
      useErrorCodes(),
      // @defer and @stream (incremental delivery over multipart HTTP, SSE and graphql-ws): the
      // directives, their validation rules and argument checks; Yoga's executor runs them, jit leaves such documents to it.
      ...useIncrementalDelivery(),
      // Before the deadline, which wraps whichever executor is chosen (jit's for queries and mutations).
      useJitExecution(schema),
      useCostLimit((request) => {
        const record = records.of(request);
        // Default deny: an execution without a record has not been through the checks.
        if (!record)
          throw new GraphQLError("The request has no recorded document.", { extensions: { code: "BAD_REQUEST" } });
        return record.cost();
      }, config.limits.maxCost),
      useIntrospectionPolicy(schema, config.introspection, (request) => records.of(request)?.operation),
      useExecutionDeadline(config.limits.executionTimeoutMs),
      ...(tracingEnabled() ? [useTracing({ cacheStatus: responseCache?.statusOf, operationOf })] : []),
      useMetrics(metrics, { cacheStatus: responseCache?.statusOf, sqlOf: sqlStatsOf, operationOf }),
      useServerTiming({ cacheStatus: responseCache?.statusOf }),
      ...(responseCache ? [responseCache.plugin] : []),
      // After the response cache: a write's position is remembered once its invalidations are done.
      ...(readRoutes ? [readRoutes.plugin] : []),
      // After the response cache: its invalidation is done before the receipt goes out.
      useMutationReceipts({ schema, records }),
      ...routes,
      // Last, as Yoga places its own limit: it wraps whichever request parser was chosen.
      useBodyLimit(config.limits.maxBodyBytes),
      // After every plugin that could add a validation rule.
      useValidationCache(),
      // Last: its result processor answers 406 only when no other one can serve the Accept.
      useTransportErrors("/graphql"),
    ],
  });
}
