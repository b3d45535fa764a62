// First: it may run the command again with other memory settings before the rest loads.
import { setHeapGrowth } from "./cli/memory-settings.ts";
import path from "node:path";
import { runWorker, serveApi } from "./app.ts";
import { type ApiProcessJob, forkApiProcesses, isApiProcess, serveAsApiProcess } from "./cli/api-processes.ts";
import { loadOrCreateSecret } from "./auth/secret.ts";
import { migrate, pendingMigrationsOf, resolveDatabaseUrl } from "./cli/database.ts";
import { assertDatabaseReachable, assertPortFree, StartupError } from "./cli/preflight.ts";
import { DEMO_SIZES, seed, seedArgs } from "./cli/seed.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { EmbeddedPostgresError } from "./embedded/postgres.ts";
import { TrustedDocumentsError } from "./graphql/trusted-documents.ts";
import { MigrationError } from "./migrate/apply.ts";
import { createLogger, type Logger } from "./observability/logger.ts";
import { isShuttingDown, onShutdown, shutdown, shutdownOnSignals } from "./shutdown.ts";
import { setUpUpstreams } from "./cli/upstreams.ts";

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

type ServeMode = "start" | "serve";

/** The API in this process: built, listening, its close registered; resolves with its URL. */
async function serveHere(mode: ServeMode, config: Config, logger: Logger, job: ApiProcessJob): Promise<string> {
  const { http } = await serveApi({
    config,
    ...job,
    logger,
    onClose: onShutdown,
    upstreams: (store, hooks) => setUpUpstreams(config, mode, store, logger, hooks),
  });
  return http.url;
}

/** WEB_CONCURRENCY=1: the API in this process; more: that many API processes sharing the port. */
async function serveApiProcesses(mode: ServeMode, config: Config, logger: Logger, job: ApiProcessJob) {
  if (config.webConcurrency === 1) return serveHere(mode, config, logger, job);
  const url = await forkApiProcesses(config.webConcurrency, job, logger, onShutdown);
  logger.info(`${config.webConcurrency} API processes share ${url} (WEB_CONCURRENCY)`);
  return url;
}

async function main(command: string | undefined, args: string[]): Promise<void> {
  const config = loadConfig(process.env, command);
  setHeapGrowth(config.heapGrowthPercent);
  const logger = createLogger(config);
  shutdownOnSignals((message) => logger.info(message));

  if (isApiProcess()) {
    // Forked by serveApiProcesses: the primary has done the rest of the command.
    const mode: ServeMode = command === "start" ? "start" : "serve";
    await serveAsApiProcess(
      async (job) => {
        const url = await serveHere(mode, config, logger, job);
        logger.info(`API process ${process.pid} listening at ${url}`);
        return url;
      },
      (message) => logger.info(message),
    );
    return;
  }

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
      const apiUrl = await serveApiProcesses("start", config, logger, { databaseUrl: url, secret });
      // The zero-config demo (embedded PostgreSQL): reports pause between steps so they can be watched.
      const demo = !config.databaseUrl && config.env === "development";
      await runWorker(config, url, logger, onShutdown, { progressStepDelayMs: demo ? 700 : 0 });
      logger.info(`Sokudo ready: GraphiQL at ${apiUrl}/graphql, health at ${apiUrl}/healthz and ${apiUrl}/readyz`);
      return;
    }
    case "serve": {
      // loadConfig(…, "serve") has required both.
      if (!config.databaseUrl || !config.auth.secret) throw new Error("unreachable: serve without DATABASE_URL");
      await assertPortFree(config.host, config.port);
      const url = await resolveDatabaseUrl(config, logger);
      const pending = await pendingMigrationsOf(url);
      if (pending.length > 0) logger.warn(`pending migrations (run npm run migrate): ${pending.join(", ")}`);
      const apiUrl = await serveApiProcesses("serve", config, logger, { databaseUrl: url, secret: config.auth.secret });
      logger.info(`Sokudo API listening at ${apiUrl}/graphql`);
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
      await runWorker(config, config.databaseUrl, logger, onShutdown);
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
  const expected = [ConfigError, TrustedDocumentsError, EmbeddedPostgresError, StartupError, MigrationError];
  console.error(expected.some((kind) => error instanceof kind) ? (error as Error).message : error);
  await shutdown();
  process.exit(1);
});
