import { GraphQLError } from "graphql";

export type UpstreamErrorCode = "UPSTREAM_TIMEOUT" | "UPSTREAM_UNAVAILABLE" | "UPSTREAM_BAD_RESPONSE";

/** A failed upstream call, as the client sees it: its field is null, the other fields arrive. */
export function upstreamError(code: UpstreamErrorCode, service: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, service } });
}

export function isUpstreamError(error: unknown): error is GraphQLError {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  return typeof code === "string" && code.startsWith("UPSTREAM_");
}
