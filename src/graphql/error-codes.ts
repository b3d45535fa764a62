import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * Every error a client sees carries `extensions.code`. graphql-js reports bad variables,
 * and graphql-armor its depth/alias/token limits, without one: name them here.
 */
export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !isExecutionResult(result) || !result.errors?.length) return;
      if (result.errors.every((error) => error.extensions?.code)) return;
      setResult({ ...result, errors: result.errors.map(withCode) });
    },
  };
}

function isExecutionResult(result: unknown): result is { errors?: readonly GraphQLError[] } {
  return typeof result === "object" && result !== null && !(Symbol.asyncIterator in result);
}

function withCode(error: GraphQLError): GraphQLError {
  if (error.extensions?.code) return error;
  const code = /^Variable "\$/.test(error.message)
    ? "BAD_USER_INPUT"
    : error.path === undefined
      ? "GRAPHQL_VALIDATION_FAILED"
      : "INTERNAL_SERVER_ERROR";
  return recoded(error, code);
}

/** The same error (locations, path, original error, other extensions) under another code. */
export function recoded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}
