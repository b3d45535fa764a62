import { z } from "zod";
import { builder } from "./builder.ts";
import { withPrismaErrors } from "../data/database-errors.ts";
import { PostRef } from "./post.ts";
import { fields, parseInput } from "./validation.ts";

export const CommentRef = builder.prismaNode("Comment", {
  description: "A user's reply to a post.",
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtl: "postSeconds" },
  fields: (t) => ({
    body: t.exposeString("body", { description: "The text, plain." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was written." }),
  }),
});

const AddCommentInput = builder.inputType("AddCommentInput", {
  description: "A comment by the viewer on a post.",
  fields: (t) => ({
    postId: t.globalID({ required: true, for: PostRef, description: "The post to comment on." }),
    body: t.string({ required: true, description: "1 to 5,000 characters." }),
  }),
});

const commentInput = z.object({ body: fields.commentBody });

builder.mutationFields((t) => ({
  addComment: t.prismaField({
    type: "Comment",
    description: "Comments on a post as the viewer and returns the comment. Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: AddCommentInput, required: true, description: "The post and the text." }) },
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
