import path from "node:path";
import pg from "pg";
import { DEMO_SIZES, isEmpty, type SeedDistribution, type SeedSizes, seedDatabase } from "../prisma/seed.ts";
import { loadOrCreateSecret } from "./auth/secret.ts";
import { createTokenService } from "./auth/token.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { createCaches } from "./cache/index.ts";
import { DEFAULT_WARM_OPERATIONS_FILE, warmResponseCache } from "./cache/warm.ts";
import { createDatabase } from "./data/db.ts";
import { EmbeddedPostgresError, placeDataDir, startEmbeddedPostgres } from "./embedded/postgres.ts";
import { createLogger, type Logger } from "./observability/logger.ts";
import { applyMigrations, MigrationError, pendingMigrations } from "./migrate/apply.ts";
import { assertDatabaseReachable, assertPortFree, StartupError } from "./cli/preflight.ts";
import { createServerMetrics, createYogaServer, listen, watchUpstreamBreakers } from "./graphql/yoga.ts";
import { createJobEvents } from "./jobs/tracking.ts";
import { migrateJobQueue, startWorker } from "./jobs/worker.ts";
import { setUpUpstreams } from "./upstream/index.ts";
import { isShuttingDown, onShutdown, shutdown, shutdownOnSignals } from "./shutdown.ts";

const USAGE = `Usage: node src/main.ts <command>
  start     all-in-one for development: embedded PostgreSQL unless DATABASE_URL is set,
            migrations, demo data when empty, API with GraphiQL
  serve     API only, for production: DATABASE_URL and AUTH_SECRET required
  migrate   apply pending migrations (DATABASE_URL, or the embedded PostgreSQL)
  worker    background jobs only (several may run at once): DATABASE_URL required
  seed      insert demo data: --users N --posts N --comments N [--skew] (DATABASE_URL, or embedded)`;

const [major] = process.versions.node.split(".").map(Number);
if ((major ?? 0) < 22) {
  console.error(
    `Sokudo needs Node.js 22 or newer; this is ${process.version}. Run it through npm scripts (npm start).`,
  );
  process.exit(1);
}

const redactUrl = (url: string) => url.replace(/:[^:@/]+@/, ":***@");

/**
 * The database to use: DATABASE_URL (checked reachable), or the embedded PostgreSQL started (and
 * stopped last on shutdown) here. `whenInUse: "share"` lets `migrate` and `seed` use the embedded
 * PostgreSQL of an `npm start` that is running on the same data folder.
 */
async function resolveDatabaseUrl(
  config: Config,
  logger: Logger,
  whenInUse: "share" | "refuse" = "refuse",
): Promise<string> {
  if (config.databaseUrl) {
    await assertDatabaseReachable(config.databaseUrl);
    return config.databaseUrl;
  }
  const { dataDir, reason } = await placeDataDir(config.embeddedPostgres.dataDir);
  const { port } = config.embeddedPostgres;
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port,
    database: "sokudo",
    whenInUse,
    onLog: (line) => logger.debug({ postgres: line }),
    onNotice: (message) => logger.info(message),
    onStarting: () =>
      logger.info(`starting embedded PostgreSQL (data in ${dataDir}, port ${port})${reason ? `: ${reason}` : ""}`),
  });
  if (embedded.sharedWith) {
    logger.info(`using the embedded PostgreSQL of the running \`npm start\` (pid ${embedded.sharedWith})`);
    return embedded.url;
  }
  onShutdown("embedded PostgreSQL", () => embedded.stop());
  logger.info(`embedded PostgreSQL ready at ${redactUrl(embedded.url)}`);
  return embedded.url;
}

async function migrate(url: string, logger: Logger): Promise<void> {
  const applied = await applyMigrations(url);
  logger.info(applied.length > 0 ? `applied migrations: ${applied.join(", ")}` : "migrations: up to date");
  await migrateJobQueue(url);
}

/** A short-lived connection; a failure while idle is seen by the next query, not as a crash. */
function createClient(url: string): pg.Client {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  return client;
}

async function pendingMigrationsOf(url: string): Promise<string[]> {
  const client = createClient(url);
  await client.connect();
  return pendingMigrations(client).finally(() => client.end());
}

async function runWorker(config: Config, url: string, logger: Logger, demo = false): Promise<void> {
  const progressStepDelayMs = demo ? 700 : 0;
  const worker = await startWorker({ connectionString: url, ...config.jobs, progressStepDelayMs }, logger);
  // Stopping lets running jobs finish; the next worker picks up the rest.
  onShutdown("job worker", () => worker.stop(), "work");
}

async function seed(
  url: string,
  sizes: SeedSizes,
  options: { onlyIfEmpty: boolean; logger: Logger; distribution?: SeedDistribution },
) {
  const client = createClient(url);
  await client.connect();
  try {
    if (options.onlyIfEmpty && !(await isEmpty(client))) return false;
    if (!options.onlyIfEmpty && !(await isEmpty(client))) {
      throw new Error("The database already has users; seed an empty database (npm run migrate on a new one).");
    }
    const started = Date.now();
    await seedDatabase(client, sizes, progressBar, { distribution: options.distribution });
    process.stderr.write("\n");
    options.logger.info(
      `seeded ${sizes.users} users, ${sizes.posts} posts, ${sizes.comments} comments (${options.distribution ?? "uniform"}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return true;
  } finally {
    await client.end();
  }
}

function progressBar(table: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  process.stderr.write(
    `\r  [${"#".repeat(filled)}${".".repeat(width - filled)}] ${table.padEnd(10)} ${done}/${total}   `,
  );
}

function seedArgs(args: string[]): { sizes: SeedSizes; distribution: SeedDistribution } {
  const sizes = { ...DEMO_SIZES, users: 1_000, posts: 10_000, comments: 50_000 };
  let distribution: SeedDistribution = "uniform";
  const usage = `seed: expected --users N --posts N --comments N [--skew | --distribution uniform|skewed], got ${JSON.stringify(args.join(" "))}`;
  let i = 0;
  while (i < args.length) {
    const flag = args[i]?.replace(/^--/, "");
    if (flag === "skew") {
      distribution = "skewed";
      i += 1;
      continue;
    }
    const value = args[i + 1];
    if (flag === "distribution") {
      if (value !== "uniform" && value !== "skewed") throw new ConfigError(usage);
      distribution = value;
    } else {
      const count = Number(value);
      if (!flag || !(flag in sizes) || !Number.isInteger(count) || count < 0) throw new ConfigError(usage);
      sizes[flag as keyof SeedSizes] = count;
    }
    i += 2;
  }
  if (sizes.users < 2 && sizes.posts > 0) throw new ConfigError("seed: posts need at least 2 users");
  return { sizes, distribution };
}

async function serveApi(command: "start" | "serve", config: Config, url: string, secret: string, logger: Logger) {
  const db = createDatabase(url, config.pool, logger);
  onShutdown("database pool", () => db.close());
  await db.warm();
  const caches = createCaches(config, logger);
  onShutdown(`${caches.store.kind} cache`, caches.close);
  logger.info(
    config.redis.url ? `cache: Redis at ${redactUrl(config.redis.url)}` : "cache: in memory (REDIS_URL not set)",
  );
  const tokens = createTokenService(secret, config.auth.tokenTtlSeconds);
  const metrics = createServerMetrics(db, caches.store, caches.responses);
  const upstreams = await setUpUpstreams(config, command, caches.store, logger, {
    onCall: metrics.recordUpstreamCall,
    onCache: metrics.recordUpstreamCache,
  });
  watchUpstreamBreakers(metrics, upstreams);
  const jobEvents = await createJobEvents(url, { logger });
  onShutdown("job events", () => jobEvents.close());
  const yoga = createYogaServer({
    config,
    db,
    cache: caches.store,
    responses: caches.responses,
    redis: caches.redis,
    upstreams,
    metrics,
    jobEvents,
    tokens,
    logger,
  });
  if (config.responseCache.enabled) {
    const file = config.responseCache.warmOperationsFile ?? DEFAULT_WARM_OPERATIONS_FILE;
    const warmed = await warmResponseCache(yoga, file, logger);
    logger.info(`response cache warmed: ${warmed.join(", ") || "nothing"} (${file})`);
  }
  const http = await listen(yoga, config.host, config.port);
  onShutdown("HTTP server", () => http.close(), "intake");
  return http;
}

async function main(command: string | undefined, args: string[]): Promise<void> {
  const config = loadConfig(process.env, command);
  const logger = createLogger(config);
  shutdownOnSignals((message) => logger.info(message));

  switch (command) {
    case "start": {
      await assertPortFree(config.host, config.port);
      const url = await resolveDatabaseUrl(config, logger);
      await migrate(url, logger);
      if (await seed(url, DEMO_SIZES, { onlyIfEmpty: true, logger })) {
        logger.info(`demo data: log in as user1@example.com with password "password"`);
      }
      let secret = config.auth.secret;
      if (!secret) {
        const file = path.join(path.dirname(path.resolve(config.embeddedPostgres.dataDir)), "auth-secret");
        const loaded = await loadOrCreateSecret(file);
        secret = loaded.secret;
        logger.info(`AUTH_SECRET not set: ${loaded.created ? "generated one" : "using the generated one"} in ${file}`);
      }
      const http = await serveApi("start", config, url, secret, logger);
      // The zero-config demo (embedded PostgreSQL): reports pause between steps so they can be watched.
      await runWorker(config, url, logger, !config.databaseUrl && config.env === "development");
      logger.info(
        `Sokudo ready: GraphiQL at ${http.url}/graphql, health at ${http.url}/healthz and ${http.url}/readyz`,
      );
      return;
    }
    case "serve": {
      // loadConfig(…, "serve") has required both.
      if (!config.databaseUrl || !config.auth.secret) throw new Error("unreachable: serve without DATABASE_URL");
      await assertPortFree(config.host, config.port);
      const url = await resolveDatabaseUrl(config, logger);
      const pending = await pendingMigrationsOf(url);
      if (pending.length > 0) logger.warn(`pending migrations (run npm run migrate): ${pending.join(", ")}`);
      const http = await serveApi("serve", config, url, config.auth.secret, logger);
      logger.info(`Sokudo API listening at ${http.url}/graphql`);
      return;
    }
    case "worker": {
      if (!config.databaseUrl) throw new Error("unreachable: worker without DATABASE_URL");
      await assertDatabaseReachable(config.databaseUrl);
      const pending = await pendingMigrationsOf(config.databaseUrl);
      if (pending.length > 0) {
        // The worker's own tables (job_workers, jobs) may be among them: refuse rather than fail mid-job.
        throw new ConfigError(
          `The database has pending migrations (${pending.join(", ")}): run npm run migrate first.`,
        );
      }
      await runWorker(config, config.databaseUrl, logger);
      return;
    }
    case "migrate": {
      await migrate(await resolveDatabaseUrl(config, logger, "share"), logger);
      await shutdown();
      return;
    }
    case "seed": {
      const { sizes, distribution } = seedArgs(args);
      const url = await resolveDatabaseUrl(config, logger, "share");
      await migrate(url, logger);
      await seed(url, sizes, { onlyIfEmpty: false, logger, distribution });
      await shutdown();
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = command ? 2 : 0;
  }
}

main(process.argv[2], process.argv.slice(3)).catch(async (error: unknown) => {
  // Ctrl-C during startup closes the database under a migration or seed: that is no error to
  // report; the signal handler finishes the shutdown and exits.
  if (isShuttingDown()) return;
  // Expected failures are one or two plain lines (cause, fix); anything else keeps its stack.
  const expected = [ConfigError, EmbeddedPostgresError, StartupError, MigrationError];
  console.error(expected.some((kind) => error instanceof kind) ? (error as Error).message : error);
  await shutdown();
  process.exit(1);
});
