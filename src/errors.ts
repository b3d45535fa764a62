import { GraphQLError } from "graphql";

export type ErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "UNAUTHENTICATED" | "FORBIDDEN" | "DATABASE_UNAVAILABLE";

/** An expected failure: shown to the client as is, even with error masking on. */
export function clientError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const badInput = (message: string, field?: string) =>
  clientError("BAD_USER_INPUT", message, field ? { field } : {});
export const notFound = (what: string) => clientError("NOT_FOUND", `${what} not found`);
export const unauthenticated = () => clientError("UNAUTHENTICATED", "You must be logged in to do this");
export const forbidden = (message: string) => clientError("FORBIDDEN", message);

interface PrismaKnownError {
  code: string;
  meta?: {
    target?: unknown;
    modelName?: string;
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

function uniqueFields(error: PrismaKnownError): string[] {
  const target = error.meta?.target;
  if (Array.isArray(target)) return target.map(String);
  const cause = error.meta?.driverAdapterError?.cause;
  if (cause?.constraint?.fields) return cause.constraint.fields;
  // Driver adapters name only the index; Prisma names unique indexes <table>_<columns>_key.
  const index = cause?.constraint?.index;
  if (index && cause?.table && index.startsWith(`${cause.table}_`) && index.endsWith("_key")) {
    return [index.slice(cause.table.length + 1, -"_key".length)];
  }
  return typeof target === "string" ? [target] : [];
}

/**
 * Translates Prisma's P2xxx errors into client errors; anything else is rethrown
 * unchanged (and masked by Yoga as an unexpected error).
 */
export function translatePrismaError(error: unknown, entity = "Record"): never {
  if (isPrismaKnownError(error)) {
    switch (error.code) {
      case "P2002": {
        const fields = uniqueFields(error).map((f) => f.replace(/^"|"$/g, ""));
        const what = fields.length > 0 ? fields.join(", ") : "value";
        throw clientError("BAD_USER_INPUT", `${entity} with this ${what} already exists`, {
          ...(fields.length === 1 ? { field: fields[0] } : {}),
        });
      }
      case "P2025":
      case "P2001":
      case "P2003": // a foreign key to a row that is not there: the entity the caller named
        throw notFound(entity);
      case "P2000":
        throw badInput("A value is too long");
    }
  }
  throw error;
}

/** Runs a Prisma call and translates its expected failures. */
export async function withPrismaErrors<T>(entity: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    translatePrismaError(error, entity);
  }
}
