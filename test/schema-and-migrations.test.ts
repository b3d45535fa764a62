import { readFileSync } from "node:fs";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { applyMigrations, pendingMigrations, readMigrations } from "../src/migrate/apply.ts";
import { diffMigrationsToSchema } from "../src/migrate/create.ts";
import { printedSchema, SCHEMA_FILE } from "../src/schema/print.ts";
import { useTestDatabase } from "./helpers/database.ts";
import { adminQuery, withDatabase } from "./helpers/pg-admin.ts";

describe("schema.graphql", () => {
  it("matches the Pothos schema (run `npm run codegen` after changing the schema)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(printedSchema());
  });
});

describe("migrations", () => {
  it("describe exactly what schema.prisma describes (no drift)", async () => {
    // Prisma's schema engine replays prisma/migrations into a shadow database and diffs it with schema.prisma.
    expect(await diffMigrationsToSchema(inject("pgAdminUrl"))).toBe("");
  });

  it("report drift when schema.prisma has a change no migration covers", async () => {
    const migrations = await readMigrations();
    const withoutIndex = migrations.map((migration) => ({
      ...migration,
      sql: migration.sql.replace(/CREATE UNIQUE INDEX "users_handle_key".*;/, ""),
    }));
    const dir = await writeMigrations(withoutIndex);
    expect(await diffMigrationsToSchema(inject("pgAdminUrl"), dir)).toContain('CREATE UNIQUE INDEX "users_handle_key"');
  });

  it("apply once, are recorded as Prisma records them, and re-applying changes nothing", async () => {
    const adminUrl = inject("pgAdminUrl");
    const name = `sokudo_migrate_${process.pid}_${Date.now()}`;
    await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
    const url = withDatabase(adminUrl, name);
    try {
      const migrations = await readMigrations();
      expect(await applyMigrations(url)).toEqual(migrations.map((m) => m.name));
      expect(await applyMigrations(url)).toEqual([]);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const rows = await client.query(
          `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
        );
        expect(rows.rows).toEqual(
          migrations.map((m) => ({
            migration_name: m.name,
            checksum: m.checksum,
            finished: true,
            applied_steps_count: 1,
          })),
        );
        expect(await pendingMigrations(client)).toEqual([]);
      } finally {
        await client.end();
      }
    } finally {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it("refuse a migration that was edited after it was applied", async () => {
    const url = await useTestDatabase();
    const migrations = await readMigrations();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited\n` } : m));
    await expect(applyMigrations(url, await writeMigrations(edited))).rejects.toThrow(/edited after it was applied/);
  });

  it("roll back a failing migration and record its error", async () => {
    const url = await useTestDatabase();
    const migrations = await readMigrations();
    const broken = [
      ...migrations,
      { name: "99990101000000_broken", sql: 'CREATE TABLE "x" (id int);\nSELECT nope;', checksum: "" },
    ];
    await expect(applyMigrations(url, await writeMigrations(broken))).rejects.toThrow(/99990101000000_broken failed/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const table = await client.query(`SELECT to_regclass('"x"') AS t`);
      expect(table.rows[0].t).toBeNull();
      const row = await client.query(
        `SELECT logs, rolled_back_at IS NOT NULL AS rolled_back FROM "_prisma_migrations" WHERE migration_name = '99990101000000_broken'`,
      );
      expect(row.rows[0]).toMatchObject({ rolled_back: true, logs: expect.stringContaining("nope") });
    } finally {
      await client.end();
    }
  });
});

async function writeMigrations(migrations: { name: string; sql: string }[]): Promise<string> {
  const { mkdtemp, mkdir, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const path = await import("node:path");
  const dir = await mkdtemp(path.join(tmpdir(), "sokudo-migrations-"));
  await writeFile(path.join(dir, "migration_lock.toml"), 'provider = "postgresql"\n');
  for (const migration of migrations) {
    await mkdir(path.join(dir, migration.name));
    await writeFile(path.join(dir, migration.name, "migration.sql"), migration.sql);
  }
  return dir;
}
