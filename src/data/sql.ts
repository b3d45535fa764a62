import { createHash } from "node:crypto";
import pg from "pg";
import { type ModelColumns, modelColumns } from "./model-columns.ts";
import type { PrismaClient } from "./db.ts";

/**
 * SQL for the hot read paths, sent to the pool directly rather than through Prisma: each text
 * becomes a named prepared statement, which PostgreSQL parses once per connection, and rows
 * come back without an ORM layer building and then re-reading a query plan for every call
 * (Prisma's per-call cost was the largest JavaScript cost in the read profile). Prisma keeps
 * the schema, migrations, writes and plugin-prisma's fields. Statements still go through the
 * pool's counting clients, so they count against the request that sent them.
 */
export interface Sql {
  /**
   * `planEachTime`: an unnamed statement, not kept prepared, for a text that differs from call to call
   * (one with a literal in it: a text search's words).
   */
  rows<Row>(text: string, values: readonly unknown[], options?: { planEachTime?: boolean }): Promise<Row[]>;
  /** A Prisma model's table and columns, from the data model (`@@map`, `@map`). */
  columns(model: string): ModelColumns;
  /** A statement's text, built once per key: the loaders' texts are fixed, building them is not free. */
  text(key: string, build: () => string): string;
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
const ZERO = 48;

/** The number written by the ASCII digits text[start..end), or NaN if any is not a digit. */
function digits(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Timestamps as the same Date values pg gives, read digit by digit when the text is PostgreSQL's
 * form in a UTC session ("2026-01-07 22:41:00.123456+00"); any other form goes to pg's own
 * parser. A nested list reads thousands of them: pg's general parser, then a regular expression
 * with V8's ISO parser, were each 4 to 8% of its CPU time.
 */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  const fraction = length - 3 - 19; // "." and 1 to 6 digits, or nothing
  const shaped =
    (fraction === 0 || (fraction >= 2 && fraction <= 7 && text.charCodeAt(19) === 46)) &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 && // space
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.endsWith("+00");
  if (shaped) {
    const milliseconds = fraction === 0 ? 0 : digits(`${text.slice(20, length - 3)}00`, 0, 3);
    const time = Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 7) - 1,
      digits(text, 8, 10),
      digits(text, 11, 13),
      digits(text, 14, 16),
      digits(text, 17, 19),
      milliseconds,
    );
    // Date.UTC maps years 0-99 to 1900-1999; such dates (and anything NaN) take pg's parser.
    if (!Number.isNaN(time) && text.charCodeAt(0) !== ZERO) return new Date(time);
  }
  return defaultTimestamptz(text) as Date;
}

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMPTZ_OID && format !== "binary"
      ? parseTimestamptz
      : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
};

export function createSql(pool: pg.Pool, prisma: PrismaClient): Sql {
  const texts = new Map<string, string>();
  return {
    columns: (model) => modelColumns(prisma, model),
    text(key, build) {
      let text = texts.get(key);
      if (text === undefined) texts.set(key, (text = build()));
      return text;
    },
    rows: rowsOn(pool),
  };
}

/** The same statements as `sql` (its texts and columns), sent to another pool: a read replica's. */
export function onPool(sql: Sql, pool: pg.Pool): Sql {
  return { columns: sql.columns, text: sql.text, rows: rowsOn(pool) };
}

function rowsOn(pool: pg.Pool): Sql["rows"] {
  return async <Row>(text: string, values: readonly unknown[], options?: { planEachTime?: boolean }) => {
    const name = options?.planEachTime ? undefined : statementName(text);
    const result = await pool.query<unknown[]>({ name, text, values: [...values], types, rowMode: "array" });
    return result.rows.map(name ? preparedRowBuilder(text, result.fields) : rowBuilder(result.fields)) as Row[];
  };
}

// A prepared statement's columns are the same on every call (PostgreSQL refuses to run a cached
// plan whose result type changed): its builder is found by its text, the names compared, not joined.
const preparedBuilders = new Map<string, { names: readonly string[]; build: RowBuilder }>();

function preparedRowBuilder(text: string, fields: readonly pg.FieldDef[]): RowBuilder {
  const known = preparedBuilders.get(text);
  if (
    known &&
    known.names.length === fields.length &&
    fields.every((field, index) => field.name === known.names[index])
  )
    return known.build;
  const build = rowBuilder(fields);
  if (known || preparedBuilders.size < MAX_BUILDERS)
    preparedBuilders.set(text, { names: fields.map((field) => field.name), build });
  return build;
}

type RowBuilder = (values: unknown[]) => Record<string, unknown>;

// Per list of column names: the loaders' statements make a bounded set; past the cap, rows are
// built by the loop (a client cannot choose names, but nothing here should grow without bound).
const builders = new Map<string, RowBuilder>();
const MAX_BUILDERS = 1_000;

/**
 * Rows as objects made by one literal per column list (`{ "id": values[0], ... }`), from pg's
 * arrays: pg's own rows are a copy of a template filled by a store per column, through one store
 * site for every statement's columns, several times slower per row on a nested page's 900 rows.
 */
function rowBuilder(fields: readonly pg.FieldDef[]): RowBuilder {
  const names = fields.map((field) => field.name);
  const key = names.join("\0");
  let build = builders.get(key);
  if (build) return build;
  // "__proto__" in a literal would set the prototype; no statement here names a column so, but rows stay data.
  if (names.includes("__proto__") || builders.size >= MAX_BUILDERS) {
    build = (values) => {
      const row: Record<string, unknown> = {};
      names.forEach((name, index) =>
        Object.defineProperty(row, name, {
          value: values[index],
          enumerable: true,
          writable: true,
          configurable: true,
        }),
      );
      return row;
    };
  } else {
    build = new Function(
      "values",
      `return { ${names.map((name, index) => `${JSON.stringify(name)}: values[${index}]`).join(", ")} };`,
    ) as RowBuilder;
    builders.set(key, build);
  }
  return build;
}

/**
 * An `int[]` parameter as PostgreSQL's array text ("{1,2,3}"), the same value pg would send: its
 * general array serializer (quoting and escaping each element) was 3% of a nested list's CPU.
 */
export const intArray = (ids: readonly number[]): string => `{${ids.join(",")}}`;

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
