import path from "node:path";
import { runWorker, serveApi } from "./app.ts";
import { loadOrCreateSecret } from "./auth/secret.ts";
import { migrate, pendingMigrationsOf, resolveDatabaseUrl } from "./cli/database.ts";
import { assertDatabaseReachable, assertPortFree, StartupError } from "./cli/preflight.ts";
import { DEMO_SIZES, seed, seedArgs } from "./cli/seed.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { EmbeddedPostgresError } from "./embedded/postgres.ts";
import { TrustedDocumentsError } from "./graphql/trusted-documents.ts";
import { MigrationError } from "./migrate/apply.ts";
import { createLogger } from "./observability/logger.ts";
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
      const { http } = await serveApi({
        config,
        databaseUrl: url,
        secret,
        logger,
        onClose: onShutdown,
        upstreams: (store, hooks) => setUpUpstreams(config, "start", store, logger, hooks),
      });
      // The zero-config demo (embedded PostgreSQL): reports pause between steps so they can be watched.
      const demo = !config.databaseUrl && config.env === "development";
      await runWorker(config, url, logger, onShutdown, { progressStepDelayMs: demo ? 700 : 0 });
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
      const { http } = await serveApi({
        config,
        databaseUrl: url,
        secret: config.auth.secret,
        logger,
        onClose: onShutdown,
        upstreams: (store, hooks) => setUpUpstreams(config, "serve", store, logger, hooks),
      });
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
