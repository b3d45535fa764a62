import { createHash } from "node:crypto";
import pg from "pg";
import { type ModelColumns, modelColumns } from "../data-model.ts";
import type { PrismaClient } from "../db.ts";

/**
 * SQL for the hot read paths, sent to the pool directly rather than through Prisma: each text
 * becomes a named prepared statement, which PostgreSQL parses once per connection, and rows
 * come back without an ORM layer building and then re-reading a query plan for every call
 * (Prisma's per-call cost was the largest JavaScript cost in the read profile). Prisma keeps
 * the schema, migrations, writes and plugin-prisma's fields. Statements still go through the
 * pool's counting clients, so they count against the request that sent them.
 */
export interface Sql {
  rows<Row>(text: string, values: readonly unknown[]): Promise<Row[]>;
  /** A Prisma model's table and columns, from the data model (`@@map`, `@map`). */
  columns(model: string): ModelColumns;
}

// Texts are the loaders' own (a bounded set). A name follows from its text, so every Sql on a
// pool (a test's beside its server's) agrees on what a prepared name means on a connection.
const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `sokudo_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

const TIMESTAMPTZ_OID = 1184;
const defaultTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ_OID, "text");
// PostgreSQL's text form in a UTC session: "2026-01-07 22:41:00.123+00".
const UTC_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?\+00$/;

/**
 * Timestamps as the same Date values pg gives, read by V8's native ISO parser when the session
 * is UTC (postgres-date's general parser was 4% of a nested list's CPU); other forms fall back.
 */
function parseTimestamptz(text: string): Date {
  if (!UTC_TIMESTAMP.test(text)) return defaultTimestamptz(text) as Date;
  return new Date(`${text.slice(0, 10)}T${text.slice(11, -3)}Z`);
}

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMPTZ_OID && format !== "binary"
      ? parseTimestamptz
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

export function createSql(pool: pg.Pool, prisma: PrismaClient): Sql {
  return {
    columns: (model) => modelColumns(prisma, model),
    async rows<Row>(text: string, values: readonly unknown[]): Promise<Row[]> {
      const name = statementName(text);
      const result = await pool.query({ name, text, values: [...values], types });
      return result.rows as Row[];
    },
  };
}

/** Splits a joined row into its own fields and those under `prefix` (without it). */
export function splitPrefixed<Own, Joined>(row: Record<string, unknown>, prefix: string): [Own, Joined] {
  const own: Record<string, unknown> = {};
  const joined: Record<string, unknown> = {};
  for (const key in row) {
    if (key.startsWith(prefix)) joined[key.slice(prefix.length)] = row[key];
    else own[key] = row[key];
  }
  return [own as Own, joined as Joined];
}
