import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { clientErrorForDatabaseFailure } from "../data/database-errors.ts";

/** Errors our own code means for the client: Pothos argument validation, database outages and rejected values. */
export function exposeExpectedError(error: unknown): GraphQLError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const original = error.originalError;
  if (original instanceof PothosValidationError) {
    // The same instance with a code: Yoga logs every error it has to replace as unexpected.
    Object.assign(error.extensions, { code: "BAD_USER_INPUT" });
    return error;
  }
  if (original instanceof Error && /timeout exceeded when trying to connect/i.test(original.message)) {
    return new GraphQLError("The database is busy; try again shortly", {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: "DATABASE_UNAVAILABLE" },
    });
  }
  const database = original ? clientErrorForDatabaseFailure(original) : undefined;
  if (database) {
    // A new error, as for the busy pool above: graphql-jit's errors do not let their message be rewritten.
    return new GraphQLError(database.message, {
      nodes: error.nodes,
      path: error.path,
      originalError: original,
      extensions: { ...error.extensions, ...database.extensions },
    });
  }
  return undefined;
}
