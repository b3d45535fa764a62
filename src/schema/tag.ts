import { builder } from "./builder.ts";

export const TagRef = builder.prismaNode("Tag", {
  description: "A topic posts are filed under.",
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtl: "tagSeconds" },
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
