import { builder } from "./builder.ts";
import { ConflictError, InputError, type InputIssue } from "../errors.ts";

/**
 * Expected failures a form can show are data: each mutation answers a union of its payload and
 * the errors it lists here, all implementing `MutationError`. Failures of the request rather than
 * of its input (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, RATE_LIMITED, ...) stay GraphQL errors.
 */
const MutationError = builder.interfaceRef<InputError | ConflictError>("MutationError").implement({
  description: "An expected failure of a mutation, answered in place of its payload: show `message` to the user.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What went wrong, in a sentence a user can read." }),
    code: t.exposeString("code", { description: "What kind of failure: BAD_USER_INPUT or CONFLICT." }),
  }),
});

const InputIssueRef = builder.objectRef<InputIssue>("InputIssue").implement({
  description: "One invalid input field and what is wrong with it.",
  fields: (t) => ({
    path: t.exposeStringList("path", {
      description: 'The field inside the mutation\'s `input`, e.g. `["title"]`.',
    }),
    message: t.exposeString("message", { description: "What is wrong with it, e.g. `must not be empty`." }),
  }),
});

builder.objectType(InputError, {
  name: "InputError",
  description: "The input is not valid (code BAD_USER_INPUT): `issues` says which fields and why, all at once.",
  interfaces: [MutationError],
  fields: (t) => ({
    issues: t.field({
      type: [InputIssueRef],
      description: "Every invalid field, with the first problem of each.",
      resolve: (error) => error.issues,
    }),
  }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  description: "A value that must be unique is taken (code CONFLICT), e.g. the handle or email of another account.",
  interfaces: [MutationError],
  fields: (t) => ({
    field: t.exposeString("field", {
      nullable: true,
      description: "The input field whose value is taken (`handle`, `email`); null when unknown.",
    }),
  }),
});

type ErrorClass = typeof InputError | typeof ConflictError;

/** The `errors` option of a mutation: its result union `<Name>Result` of its payload and these error types. */
export function mutationErrors(name: string, types: ErrorClass[] = [InputError], payload = `${name}Payload`) {
  const members = [payload, ...types.map((type) => type.name)].map((member) => `\`${member}\``);
  return {
    types,
    union: {
      name: `${name}Result`,
      description: `What \`${name[0]?.toLowerCase()}${name.slice(1)}\` answers: ${members.join(" or ")}.`,
    },
  };
}
