import type { TestProject } from "vitest/node";
import { type EmbeddedPostgresRunner, startEmbeddedPostgres } from "../../src/embedded/postgres.ts";
import { migrateJobQueue } from "../../src/jobs/worker.ts";
import { applyMigrations, readMigrations } from "../../src/migrate/apply.ts";
import { adminQuery, withDatabase } from "./pg-admin.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of the PostgreSQL server's maintenance database, for CREATE/DROP DATABASE. */
    pgAdminUrl: string;
    /** A migrated database that each test file clones. */
    templateDatabase: string;
  }
}

/**
 * The test suite's embedded PostgreSQL, named in its messages. Its port is far from `npm start`'s
 * (54329, and 54330, 54331... that its messages suggest for further copies), so both run at once.
 */
export const TEST_EMBEDDED_POSTGRES = {
  dataDir: ".data/test-postgres",
  port: 54399,
  runner: {
    command: "npm test",
    dirVariable: "TEST_EMBEDDED_PG_DIR",
    portVariable: "TEST_EMBEDDED_PG_PORT",
  } satisfies EmbeddedPostgresRunner,
};

/**
 * Tests run on a real PostgreSQL: the DATABASE_URL server when set, otherwise an
 * embedded one. Migrations are applied once to a template database; each test file
 * clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
export default async function setup(project: TestProject) {
  let adminUrl: string;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, "postgres");
  } else {
    const embedded = await startEmbeddedPostgres({
      // Overridable so a test can run the test runner itself on a second embedded server.
      dataDir: process.env.TEST_EMBEDDED_PG_DIR ?? TEST_EMBEDDED_POSTGRES.dataDir,
      port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? TEST_EMBEDDED_POSTGRES.port),
      database: "postgres",
      runner: TEST_EMBEDDED_POSTGRES.runner,
    });
    adminUrl = embedded.adminUrl;
    stopEmbedded = embedded.stop;
  }
  const migrations = await readMigrations();
  const template = `sokudo_template_${migrations.at(-1)?.checksum.slice(0, 12) ?? "empty"}_${process.pid}`;
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${template}"`);
  await adminQuery(adminUrl, `CREATE DATABASE "${template}"`);
  await applyMigrations(withDatabase(adminUrl, template));
  await migrateJobQueue(withDatabase(adminUrl, template));

  project.provide("pgAdminUrl", adminUrl);
  project.provide("templateDatabase", template);

  return async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await stopEmbedded?.();
  };
}
