import { builder } from "../builder.ts";
import { COUNTS } from "../loaders.ts";

export const TagRef = builder.prismaNode("Tag", {
  description: "A topic posts are filed under.",
  id: { field: "id" },
  fields: (t) => ({
    slug: t.exposeString("slug", { description: "URL-safe name, e.g. `graphql`: what `posts(tag:)` takes." }),
    name: t.exposeString("name", { description: "The name as first written, e.g. `GraphQL`." }),
    postCount: t.int({
      description: "How many posts have this tag.",
      resolve: (tag, _args, context) => context.loaders.count(COUNTS.postsByTag).load(tag.id),
    }),
  }),
});

builder.queryFields((t) => ({
  tags: t.prismaField({
    type: ["Tag"],
    description: "Every tag, by slug.",
    resolve: (query, _root, _args, context) => context.prisma.tag.findMany({ ...query, orderBy: { slug: "asc" } }),
  }),
}));
