import { z } from "zod";
import { badInput, clientError } from "../errors.ts";

/**
 * Parses a mutation input. Every invalid field is reported at once, so a form needs one round
 * trip: BAD_USER_INPUT with `extensions.fields` ({ field: message }, the first problem of each)
 * and `extensions.field` (the first field, as before).
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join(".");
    if (field && !(field in fields)) fields[field] = issue.message;
  }
  const names = Object.keys(fields);
  if (names.length === 0) throw badInput(result.error.issues[0]?.message ?? "Invalid input");
  const message = names.map((name) => `${name}: ${fields[name]}`).join("; ");
  throw clientError("BAD_USER_INPUT", message, { field: names[0], fields });
}

/** A trimmed string of `min` to `max` characters, the rule most text inputs share. */
export const trimmed = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
