// npm run migrate:create -- <snake_case_name>: a new migration from prisma/schema.prisma.
import path from "node:path";
import { ConfigError, loadConfig } from "../config.ts";
import { createMigration } from "../migrate/create.ts";

const name = process.argv[2];
let url: string | undefined;
try {
  url = loadConfig(process.env).databaseUrl;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
if (!name || !/^[a-z0-9_]+$/.test(name) || !url) {
  console.error("Usage: DATABASE_URL=postgresql://... npm run migrate:create -- <snake_case_name>");
  console.error(
    "DATABASE_URL names any database on a server where the user may CREATE DATABASE (for the shadow database).",
  );
  process.exit(2);
}
const directory = await createMigration(url, name);
console.log(
  directory
    ? `created ${path.relative(process.cwd(), directory)}/migration.sql`
    : "schema.prisma matches the migrations: nothing to create",
);
