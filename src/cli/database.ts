import pg from "pg";
import type { Config } from "../config.ts";
import { placeDataDir, startEmbeddedPostgres } from "../embedded/postgres.ts";
import { migrateJobQueue } from "../jobs/worker.ts";
import { applyMigrations, pendingMigrations } from "../migrate/apply.ts";
import type { Logger } from "../observability/logger.ts";
import { onShutdown } from "../shutdown.ts";
import { assertDatabaseReachable } from "./preflight.ts";

/** A URL with its password replaced, for logs. */
export const redactUrl = (url: string) => url.replace(/:[^:@/]+@/, ":***@");

/**
 * The database to use: DATABASE_URL (checked reachable), or the embedded PostgreSQL started (and
 * stopped last on shutdown) here. `whenInUse: "share"` lets `migrate` and `seed` use the embedded
 * PostgreSQL of an `npm start` that is running on the same data folder.
 */
export async function resolveDatabaseUrl(
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

export async function migrate(url: string, logger: Logger): Promise<void> {
  const applied = await applyMigrations(url);
  logger.info(applied.length > 0 ? `applied migrations: ${applied.join(", ")}` : "migrations: up to date");
  await migrateJobQueue(url);
}

/** A short-lived connection; a failure while idle is seen by the next query, not as a crash. */
export function createClient(url: string): pg.Client {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  return client;
}

export async function pendingMigrationsOf(url: string): Promise<string[]> {
  const client = createClient(url);
  await client.connect();
  return pendingMigrations(client).finally(() => client.end());
}
