import { z } from "zod";
import { builder } from "../builder.ts";
import { withPrismaErrors } from "../errors.ts";
import { PostRef } from "./post.ts";
import { fields, parseInput } from "./validation.ts";

export const CommentRef = builder.prismaNode("Comment", {
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtl: "postSeconds" },
  fields: (t) => ({
    body: t.exposeString("body"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const AddCommentInput = builder.inputType("AddCommentInput", {
  fields: (t) => ({
    postId: t.globalID({ required: true, for: PostRef }),
    body: t.string({ required: true }),
  }),
});

const commentInput = z.object({ body: fields.commentBody });

builder.mutationFields((t) => ({
  addComment: t.prismaField({
    type: "Comment",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: AddCommentInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const { body } = parseInput(commentInput, { body: args.input.body });
      const comment = await withPrismaErrors("Post", () =>
        context.prisma.comment.create({
          ...query,
          data: {
            body,
            post: { connect: { id: Number(args.input.postId.id) } },
            author: { connect: { id: context.viewerId as number } },
          },
        }),
      );
      return comment;
    },
  }),
}));
