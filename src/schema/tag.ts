import { builder } from "../builder.ts";

export const TagRef = builder.prismaNode("Tag", {
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtl: "tagSeconds" },
  fields: (t) => ({
    slug: t.exposeString("slug"),
    name: t.exposeString("name"),
    // A counter column kept by a trigger on _PostToTag in the write's transaction.
    postCount: t.exposeInt("postCount"),
  }),
});

builder.queryFields((t) => ({
  tags: t.prismaField({
    type: ["Tag"],
    description: "Every tag, by slug.",
    resolve: (query, _root, _args, context) => context.prisma.tag.findMany({ ...query, orderBy: { slug: "asc" } }),
  }),
}));
