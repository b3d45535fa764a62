import { GraphQLError } from "graphql";

export type ErrorCode =
  "BAD_USER_INPUT" | "CONFLICT" | "NOT_FOUND" | "UNAUTHENTICATED" | "FORBIDDEN" | "DATABASE_UNAVAILABLE";

/** An expected failure: shown to the client as is, even with error masking on. */
export function clientError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export const badInput = (message: string, field?: string) =>
  clientError("BAD_USER_INPUT", message, field ? { field } : {});
export const notFound = (what: string) => clientError("NOT_FOUND", `${what} not found`);
export const unauthenticated = () => clientError("UNAUTHENTICATED", "You must be logged in to do this");
export const forbidden = (message: string) => clientError("FORBIDDEN", message);

/** One problem of an input: the path of the field inside the input (`["title"]`), and what is wrong with it. */
export interface InputIssue {
  path: string[];
  message: string;
}

/**
 * Invalid input a form can show beside its fields. A mutation that lists it (schema/mutation-errors.ts)
 * answers it as data (`... on InputError`); anywhere else it is a GraphQL error, BAD_USER_INPUT with
 * `extensions.fields` ({ field: message }) and `extensions.field` (the first).
 */
export class InputError extends GraphQLError {
  readonly code = "BAD_USER_INPUT";
  readonly issues: InputIssue[];
  constructor(issues: InputIssue[], message = issues.map(describeIssue).join("; ")) {
    const fields: Record<string, string> = {};
    for (const issue of issues) {
      const field = issue.path.join(".");
      if (field && !(field in fields)) fields[field] = issue.message;
    }
    const names = Object.keys(fields);
    super(message, {
      extensions: { code: "BAD_USER_INPUT", ...(names.length > 0 ? { field: names[0], fields } : {}) },
    });
    this.issues = issues;
  }
}

const describeIssue = (issue: InputIssue) =>
  issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message;

/** A value that must be unique is taken (a handle, an email): data where a mutation lists it, else CONFLICT. */
export class ConflictError extends GraphQLError {
  readonly code = "CONFLICT";
  /** The input field whose value is taken, or null when the database did not say which. */
  readonly field: string | null;
  constructor(message: string, field: string | null) {
    super(message, { extensions: { code: "CONFLICT", ...(field ? { field } : {}) } });
    this.field = field;
  }
}
