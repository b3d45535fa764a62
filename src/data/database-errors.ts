import type { GraphQLError } from "graphql";
import pg, { type DatabaseError } from "pg";
import { userGone } from "../auth/viewer.ts";
import { badInput, clientError, ConflictError, notFound } from "../errors.ts";

/**
 * Database and Prisma failures turned into client errors where the client can act on them
 * (retry later, fix a value); anything else stays an unexpected error, masked by Yoga.
 */

/** A database failure the client can act on (retry later, fix a value), or undefined for a defect of ours. */
export function clientErrorForDatabaseFailure(error: unknown): GraphQLError | undefined {
  const { codes, messages } = causesOf(error);
  if (codes.some((code) => UNAVAILABLE_CODES.has(code)) || messages.some((message) => UNAVAILABLE.test(message))) {
    return clientError("DATABASE_UNAVAILABLE", "The database is unavailable; try again shortly");
  }
  // A deadlock's victim or a serialization failure: PostgreSQL undid the whole statement or
  // transaction, so sending it again is safe (and is what PostgreSQL asks for).
  if (codes.some((code) => RETRYABLE_CODES.has(code))) {
    return clientError("DATABASE_UNAVAILABLE", "A concurrent write made the database undo this one; try again");
  }
  // SQLSTATE class 22: data exceptions (a value out of range, an invalid representation, a NUL
  // byte), and Prisma's codes for the same where a resolver did not translate them itself.
  if (
    codes.some(
      (code) => /^22[0-9A-Z]{3}$/.test(code) || DATA_EXCEPTION_KINDS.has(code) || PRISMA_BAD_VALUE.has(code),
    ) ||
    messages.some((message) => DATA_EXCEPTION.test(message))
  ) {
    return badInput("A value is out of range or not valid here");
  }
  return undefined;
}

const UNAVAILABLE_CODES = new Set([
  ...["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EPIPE", "EAI_AGAIN"],
  // PostgreSQL: admin/crash shutdown, cannot connect now, connection exceptions, too many connections.
  ...["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006", "53300"],
  // Prisma: cannot reach the server, timed out, connection closed, pool timeout, no transaction
  // could start in time (every connection busy: a write burst on one hot row).
  ...["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"],
]);
/** PostgreSQL's deadlock_detected and serialization_failure, and Prisma's code for either. */
const RETRYABLE_CODES = new Set(["40P01", "40001", "P2034"]);
const UNAVAILABLE =
  /timeout exceeded when trying to connect|Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|Server has closed the connection|DatabaseNotReachable|ConnectionClosed|connect ECONNREFUSED|Unable to start a transaction in the given time/i;
const PRISMA_BAD_VALUE = new Set(["P2000", "P2006", "P2007", "P2011", "P2012", "P2020", "P2023"]);
/** Prisma driver adapter error kinds for the same. */
const DATA_EXCEPTION_KINDS = new Set(["ValueOutOfRange", "InvalidInputValue", "LengthMismatch"]);
const DATA_EXCEPTION =
  /out of range for type|Unable to fit value .* into a \d+-bit|invalid input syntax for type|invalid byte sequence|unsupported Unicode escape sequence|value too long for type/i;

/** Codes and messages along an error's cause chain (GraphQL originalError, Prisma's driver adapter cause). */
function causesOf(error: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 20) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const key of ["code", "originalCode", "kind"]) if (typeof record[key] === "string") codes.push(record[key]);
    if (typeof record.message === "string") messages.push(record.message);
    const meta = record.meta as Record<string, unknown> | undefined;
    pending.push(record.cause, record.originalError, meta?.driverAdapterError, record.errors);
    if (Array.isArray(record.errors)) pending.push(...record.errors);
  }
  return { codes, messages };
}

interface PrismaKnownError {
  code: string;
  meta?: {
    target?: unknown;
    modelName?: string;
    /** P2025 of a nested connect: the relation whose row was not found. */
    relation?: string;
    /** P2003 without a driver adapter: the constraint, e.g. "likes_user_id_fkey (index)". */
    field_name?: string;
    driverAdapterError?: { cause?: { table?: string; constraint?: { fields?: string[]; index?: string } } };
  };
}

function isPrismaKnownError(error: unknown): error is PrismaKnownError {
  return (
    error instanceof Error &&
    error.name === "PrismaClientKnownRequestError" &&
    typeof (error as unknown as PrismaKnownError).code === "string"
  );
}

/** pg's error for a foreign key to a row that is not there: `constraint` names the key. */
function isForeignKeyViolation(error: unknown): error is DatabaseError {
  return error instanceof pg.DatabaseError && error.code === "23503";
}

function uniqueFields(error: PrismaKnownError): string[] {
  const target = error.meta?.target;
  if (Array.isArray(target)) return target.map(String);
  const cause = error.meta?.driverAdapterError?.cause;
  if (cause?.constraint?.fields) return cause.constraint.fields;
  // Driver adapters name only the index; Prisma names unique indexes <table>_<columns>_key, and
  // our indexes on lower(<column>) (migrations only: Prisma cannot declare them) <table>_<column>_lower_key.
  const index = cause?.constraint?.index;
  if (index && cause?.table && index.startsWith(`${cause.table}_`) && index.endsWith("_key")) {
    return [index.slice(cause.table.length + 1, -"_key".length).replace(/_lower$/, "")];
  }
  return typeof target === "string" ? [target] : [];
}

/** The reference a P2003 (foreign key) or a nested connect's P2025 names: a constraint or a relation. */
function missingReference(error: PrismaKnownError): string | undefined {
  if (error.code === "P2025") return error.meta?.relation;
  return error.meta?.driverAdapterError?.cause?.constraint?.index ?? error.meta?.field_name?.split(" ")[0];
}

export interface PrismaErrorOptions {
  /**
   * The write's references to the viewer's own row, as Prisma names them: foreign keys (P2003,
   * `likes_user_id_fkey`) and relations of a nested connect (P2025, `CommentToUser`). A missing
   * row there is the viewer's user, deleted since their token was checked: UNAUTHENTICATED
   * (TOKEN_INVALID), not NOT_FOUND of the entity the caller named.
   */
  viewerReferences?: readonly string[];
}

/**
 * Translates Prisma's P2xxx errors, and a foreign-key violation (23503) of SQL sent to the pool
 * directly (data/sql.ts), into client errors; anything else is rethrown unchanged (and masked by
 * Yoga as an unexpected error).
 */
export function translatePrismaError(error: unknown, entity = "Record", options: PrismaErrorOptions = {}): never {
  if (isForeignKeyViolation(error)) {
    throw error.constraint && options.viewerReferences?.includes(error.constraint) ? userGone() : notFound(entity);
  }
  if (isPrismaKnownError(error)) {
    const reference = missingReference(error);
    if (
      (error.code === "P2003" || error.code === "P2025") &&
      reference &&
      options.viewerReferences?.includes(reference)
    )
      throw userGone();
    switch (error.code) {
      case "P2002": {
        const fields = uniqueFields(error).map((f) => f.replace(/^"|"$/g, ""));
        const what = fields.length > 0 ? fields.join(", ") : "value";
        throw new ConflictError(
          `${entity} with this ${what} already exists`,
          fields.length === 1 ? (fields[0] ?? null) : null,
        );
      }
      case "P2025":
      case "P2001":
      case "P2003": // a foreign key to a row that is not there: the entity the caller named
        throw notFound(entity);
      case "P2000":
        throw badInput("A value is too long");
      case "P2006": // a value of the wrong kind for its column
      case "P2007": // data validation
      case "P2011": // a null where the column needs a value
      case "P2012": // a required value missing
      case "P2020": // a value out of range for its column
      case "P2023": // inconsistent column data (a malformed id, say)
        throw badInput("A value is out of range or not valid here");
    }
  }
  throw error;
}

/** Runs a Prisma call and translates its expected failures. */
export async function withPrismaErrors<T>(
  entity: string,
  run: () => Promise<T>,
  options: PrismaErrorOptions = {},
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    translatePrismaError(error, entity, options);
  }
}
