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
