// The one composition root: `main.ts`, the worker command and the tests build Sokudo through here.
import { createTokenService } from "./auth/token.ts";
import { createViewers, USER_DELETED_CHANNEL, type Viewers } from "./auth/viewer.ts";
import { createCdnPurger, purgingBackend } from "./cache/cdn-purge.ts";
import { type Caches, createCaches } from "./cache/index.ts";
import { DEFAULT_WARM_OPERATIONS_FILE, warmResponseCache } from "./cache/warm.ts";
import { redactUrl } from "./cli/database.ts";
import type { Config } from "./config.ts";
import { createWriteMarks } from "./cache/write-marks.ts";
import { createDatabase, type Database } from "./data/db.ts";
import { createReplicas } from "./data/replicas.ts";
import { createSql } from "./data/sql.ts";
import { createYogaServer, type SokudoYoga } from "./graphql/yoga.ts";
import { useDebugRoutes } from "./http/debug-routes.ts";
import { useReportDownloads } from "./http/downloads.ts";
import { useHealthChecks } from "./http/health.ts";
import {
  describeMetrics,
  listenForMetrics,
  METRICS_NOT_SERVED,
  metricsPlacement,
  useMetricsRoute,
} from "./http/metrics-route.ts";
import { type HttpServer, listen } from "./http/server.ts";
import { COMMENT_ADDED_CHANNEL, type CommentEvents, createCommentEvents } from "./jobs/comment-events.ts";
import { readJobQueue } from "./jobs/queue-snapshot.ts";
import { openReportFile } from "./jobs/report-files.ts";
import { createJobEvents, type JobEvents, type JobEventsOptions } from "./jobs/tracking.ts";
import { startWorker } from "./jobs/worker.ts";
import type { Logger } from "./observability/logger.ts";
import { createJobStatusLookup } from "./schema/jobs.ts";
import { createUserExists } from "./schema/user.ts";
import { createMetrics, type Metrics } from "./observability/metrics.ts";
import type { ShutdownStage } from "./shutdown.ts";
import type { UpstreamHooks, Upstreams } from "./upstream/services.ts";

/** How a resource's close is registered: the shutdown sequence (main.ts) or a test file's afterAll. */
export type RegisterClose = (name: string, close: () => Promise<unknown> | unknown, stage?: ShutdownStage) => void;

export interface ApiOptions {
  config: Config;
  databaseUrl: string;
  /** Signs and verifies bearer tokens (AUTH_SECRET, or the generated one of `npm start`). */
  secret: string;
  logger: Logger;
  onClose: RegisterClose;
  /** The upstream services, fed the cache-aside store and the metrics hooks. */
  upstreams: (store: Caches["store"], hooks: UpstreamHooks) => Upstreams | Promise<Upstreams>;
  jobEvents?: JobEventsOptions;
}

export interface Api {
  db: Database;
  caches: Caches;
  metrics: Metrics;
  upstreams: Upstreams;
  jobEvents: JobEvents;
  commentEvents: CommentEvents;
  viewers: Viewers;
  yoga: SokudoYoga;
}

/** The API's resources and its Yoga server, each resource's close registered as it is made. */
export async function buildApi(options: ApiOptions): Promise<Api> {
  const { config, databaseUrl, logger, onClose } = options;
  const db = createDatabase(databaseUrl, config.pool, logger);
  onClose("database pool", () => db.close());
  await db.warm();
  const caches = createCaches(config, logger);
  onClose(`${caches.store.kind} cache`, caches.close);
  logger.info(describeCache(config.redis));
  const viewers = createViewers(
    createTokenService(options.secret, config.auth.tokenTtlSeconds),
    createUserExists(db.prisma),
  );
  const metrics = createMetrics({
    pool: () => ({ total: db.pool.totalCount, idle: db.pool.idleCount, waiting: db.pool.waitingCount }),
    cacheOutages: () => caches.store.outages + caches.responses.outages,
    jobs: () => readJobQueue(db.pool),
  });
  const upstreams = await options.upstreams(caches.store, {
    onCall: metrics.recordUpstreamCall,
    onCache: metrics.recordUpstreamCache,
  });
  metrics.watchBreakers(() =>
    Object.fromEntries(Object.entries(upstreams.clients).map(([name, client]) => [name, client.breaker.state])),
  );
  // The one LISTEN connection also hears user deletions (a deleted user's token is refused at once)
  // and new comments (commentAdded).
  const jobEvents = await createJobEvents(databaseUrl, {
    logger,
    ...options.jobEvents,
    channels: [...(options.jobEvents?.channels ?? []), USER_DELETED_CHANNEL, COMMENT_ADDED_CHANNEL],
  });
  jobEvents.onNotification(USER_DELETED_CHANNEL, (userId) => viewers.forget(Number(userId)));
  jobEvents.onListening((listening) => viewers.deletionsHeard(listening));
  const commentEvents = createCommentEvents(jobEvents);
  onClose("job events", () => jobEvents.close());
  const sql = createSql(db.pool, db.prisma);
  const replicas =
    config.replicaUrls.length > 0
      ? createReplicas(config.replicaUrls, { pool: config.pool, primary: db.pool, primarySql: sql, logger })
      : undefined;
  if (replicas) {
    onClose("read replica pools", () => replicas.close());
    logger.info(`reads: ${config.replicaUrls.length} replica(s) at ${config.replicaUrls.map(redactUrl).join(", ")}`);
  }
  const yoga = createYogaServer({
    config,
    db,
    sql,
    reads: replicas && { replicas, marks: createWriteMarks(caches.store) },
    responses: config.cdn.purgeUrl
      ? purgingBackend(
          caches.responses,
          createCdnPurger({
            url: config.cdn.purgeUrl,
            kind: config.cdn.purgeKind,
            onOutcome: (outcome) => metrics.cdnPurges.inc({ outcome }),
          }),
        )
      : caches.responses,
    redis: caches.redis,
    upstreams,
    metrics,
    jobEvents,
    commentEvents,
    viewers,
    logger,
    routes: [
      useHealthChecks(db, jobEvents),
      useReportDownloads({
        viewers,
        jobStatus: createJobStatusLookup(db.prisma),
        openFile: (jobId, format) => openReportFile(db.pool, jobId, format),
      }),
      ...(metricsPlacement(config.env, config.metrics) === "api-port"
        ? [useMetricsRoute(metrics.registry, config.metrics.token)]
        : []),
      useDebugRoutes(config.adminToken),
    ],
  });
  return { db, caches, metrics, upstreams, jobEvents, commentEvents, viewers, yoga };
}

function describeCache({ url, clusterNodes }: Config["redis"]): string {
  if (clusterNodes)
    return `cache: Redis Cluster at ${clusterNodes.map(({ host, port }) => `${host}:${port}`).join(",")}`;
  return url ? `cache: Redis at ${redactUrl(url)}` : "cache: in memory (REDIS_URL not set)";
}

/** The API on its port: built, its response cache warmed, listening (HTTP and WebSocket). */
export async function serveApi(options: ApiOptions): Promise<{ api: Api; http: HttpServer }> {
  const { config, logger } = options;
  const api = await buildApi(options);
  if (config.responseCache.enabled) {
    const file = config.responseCache.warmOperationsFile ?? DEFAULT_WARM_OPERATIONS_FILE;
    const warmed = await warmResponseCache(api.yoga, file, logger);
    logger.info(`response cache warmed: ${warmed.join(", ") || "nothing"} (${file})`);
  }
  const http = await listen(api.yoga, config.host, config.port, config.http);
  options.onClose("HTTP server", () => http.close(), "intake");
  const placement = metricsPlacement(config.env, config.metrics);
  if (placement === "own-port" && config.metrics.port !== undefined) {
    const own = await listenForMetrics(api.metrics.registry, { ...config.metrics, port: config.metrics.port });
    options.onClose("metrics listener", () => own.close(), "intake");
    logger.info(describeMetrics(config.metrics, http.url, own.url));
  } else {
    logger.info(placement === "api-port" ? describeMetrics(config.metrics, http.url) : METRICS_NOT_SERVED);
  }
  return { api, http };
}

/** The job worker; stopping lets running jobs finish, and the next worker picks up the rest. */
export async function runWorker(
  config: Config,
  databaseUrl: string,
  logger: Logger,
  onClose: RegisterClose,
  options: { progressStepDelayMs?: number } = {},
): Promise<void> {
  const worker = await startWorker({ connectionString: databaseUrl, ...config.jobs, ...options }, logger);
  onClose("job worker", () => worker.stop(), "work");
}
