import { z } from "zod";
import { builder } from "./builder.ts";
import { slugify } from "./slug.ts";
import { trimmed } from "./validation.ts";

export const TagRef = builder.prismaNode("Tag", {
  description: "A topic posts are filed under.",
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtlSeconds: 24 * 3600 },
  fields: (t) => ({
    slug: t.exposeString("slug", { description: "URL-safe name, e.g. `graphql`: what `posts(tag:)` takes." }),
    name: t.exposeString("name", { description: "The name as first written, e.g. `GraphQL`." }),
    // A counter column kept by a trigger on _PostToTag in the write's transaction.
    postCount: t.exposeInt("postCount", { description: "How many posts have this tag." }),
  }),
});

builder.queryFields((t) => ({
  tags: t.prismaField({
    type: ["Tag"],
    description: "Every tag, by slug.",
    resolve: (query, _root, _args, context) => context.prisma.tag.findMany({ ...query, orderBy: { slug: "asc" } }),
  }),
}));

/** The `tags` of a post's input: up to 10 names, one per slug (a tag is created the first time it is used). */
export const tagNames = z
  .array(trimmed(1, 40))
  .max(10, "must have at most 10 tags")
  .transform((names) => uniqueBySlug(names.map((name) => ({ slug: slugify(name), name }))));

function uniqueBySlug(tags: { slug: string; name: string }[]) {
  const bySlug = new Map<string, { slug: string; name: string }>();
  for (const tag of tags) if (tag.slug !== "" && !bySlug.has(tag.slug)) bySlug.set(tag.slug, tag);
  return [...bySlug.values()];
}
