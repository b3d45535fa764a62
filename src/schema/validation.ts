import { z } from "zod";
import { badInput, clientError } from "../errors.ts";
import { slugify } from "./slug.ts";

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

const trimmed = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

export const fields = {
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "must be at most 254 characters")
    .pipe(z.email("must be a valid email address")),
  handle: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_]{3,32}$/, "must be 3 to 32 letters, digits or underscores"),
  name: trimmed(1, 100),
  bio: z.string().trim().max(500, "must be at most 500 characters"),
  password: z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
  title: trimmed(1, 200),
  postBody: trimmed(1, 50_000),
  commentBody: trimmed(1, 5_000),
  tags: z
    .array(trimmed(1, 40))
    .max(10, "must have at most 10 tags")
    .transform((names) => uniqueBySlug(names.map((name) => ({ slug: slugify(name), name })))),
};

function uniqueBySlug(tags: { slug: string; name: string }[]) {
  const bySlug = new Map<string, { slug: string; name: string }>();
  for (const tag of tags) if (tag.slug !== "" && !bySlug.has(tag.slug)) bySlug.set(tag.slug, tag);
  return [...bySlug.values()];
}
