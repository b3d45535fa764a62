import { z } from "zod";
import { InputError, type InputIssue } from "../errors.ts";

/**
 * Parses a mutation input. Every invalid field is reported at once, so a form needs one round
 * trip: an InputError with an issue per field (the first problem of each), answered as data by
 * the mutations that list it (schema/mutation-errors.ts).
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    const field = path.join(".");
    if (!field || seen.has(field)) continue;
    seen.add(field);
    issues.push({ path, message: issue.message });
  }
  if (issues.length === 0) issues.push({ path: [], message: result.error.issues[0]?.message ?? "Invalid input" });
  throw new InputError(issues);
}

/** A trimmed string of `min` to `max` characters, the rule most text inputs share. */
export const trimmed = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
