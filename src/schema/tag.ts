import { builder } from "../builder.ts";
import { COST } from "../graphql/cost.ts";
import { COUNTS } from "../loaders.ts";

export const TagRef = builder.prismaNode("Tag", {
  id: { field: "id" },
  fields: (t) => ({
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    postCount: t.int({
      complexity: COST.count,
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
