import { z } from "zod";
import { builder } from "./builder.ts";
import { withPrismaErrors } from "../data/database-errors.ts";
import { notFound } from "../errors.ts";
import type { PageSpec } from "../data/loaders.ts";
import type { Comment } from "../data/generated/prisma/client.ts";
import { encodeIdCursor, resolveChildConnection } from "./child-connection.ts";
import { mutationErrors } from "./mutation-errors.ts";
import { fieldsSelected, readsFields } from "./narrow-rows.ts";
import { PostRef } from "./post.ts";
import { loadAuthor, UserRef } from "./user.ts";
import { parseInput, trimmed } from "./validation.ts";

export const CommentRef = builder.prismaNode("Comment", {
  description: "A user's reply to a post.",
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtlSeconds: 3600 },
  fields: (t) => ({
    body: t.exposeString("body", { description: "The text, plain." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was written." }),
    // Nullable edges: a row deleted while the request runs (read in its list, gone by the time the
    // edge loads) makes that edge null with NOT_FOUND at its path; the rest of the page is answered.
    author: t.field({
      type: UserRef,
      nullable: true,
      description: "Who wrote it; null (with a NOT_FOUND error) if they were deleted while the request ran.",
      extensions: readsFields("authorId"),
      resolve: (comment, _args, context, info) => loadAuthor(context, comment.authorId, info),
    }),
    post: t.field({
      type: PostRef,
      nullable: true,
      description: "The post it replies to; null (with a NOT_FOUND error) if it was deleted while the request ran.",
      extensions: readsFields("postId"),
      resolve: async (comment, _args, context) => {
        const post = await context.loaders.postById.load(comment.postId);
        if (!post) throw notFound("Post");
        return post;
      },
    }),
  }),
});

/** An edge of a post's `comments`; also what addComment answers, for a client to append to the post's. */
const PostCommentsEdge = builder.edgeObject({ type: CommentRef, name: "PostCommentsConnectionEdge" });

/** A post's comments, oldest first: a page per post, one LATERAL statement for every post of a page (data/loaders.ts). */
const COMMENTS_BY_POST: PageSpec<Comment> = { model: "Comment", parentField: "postId", newestFirst: false };

builder.prismaObjectFields(PostRef, (t) => ({
  comments: t.connection(
    {
      type: CommentRef,
      description: "The post's comments, oldest first.",
      extensions: readsFields(),
      resolve: (post, args, context, info) =>
        resolveChildConnection(COMMENTS_BY_POST, post.id, args, context, fieldsSelected(info, ["edges", "node"])),
    },
    { name: "PostCommentsConnection" },
    PostCommentsEdge,
  ),
  // A counter column kept by a trigger in the write's transaction: one read, whatever the count.
  commentCount: t.exposeInt("commentCount", { description: "How many comments it has." }),
}));

const AddCommentInput = builder.inputType("AddCommentInput", {
  description: "A comment by the viewer on a post.",
  fields: (t) => ({
    postId: t.globalID({ required: true, for: PostRef, description: "The post to comment on." }),
    body: t.string({ required: true, description: "1 to 5,000 characters." }),
  }),
});

const commentInput = z.object({ body: trimmed(1, 5_000) });

const AddCommentPayload = builder.objectRef<{ comment: Comment }>("AddCommentPayload").implement({
  description: "What `addComment` made: the comment, its edge in the post's `comments`, and the post (`commentCount`).",
  fields: (t) => ({
    comment: t.field({ type: CommentRef, description: "The new comment.", resolve: (payload) => payload.comment }),
    commentEdge: t.field({
      type: PostCommentsEdge,
      description: "The comment as an edge of the post's `comments` (oldest first: it goes last).",
      resolve: (payload) => ({ node: payload.comment, cursor: encodeIdCursor(payload.comment.id) }),
    }),
    post: t.field({
      type: PostRef,
      nullable: true,
      description: "The post, read after the write; null (with NOT_FOUND) if it was deleted since.",
      resolve: async (payload, _args, context) => {
        const post = await context.loaders.postById.clear(payload.comment.postId).load(payload.comment.postId);
        if (!post) throw notFound("Post");
        return post;
      },
    }),
  }),
});

builder.mutationFields((t) => ({
  addComment: t.field({
    type: AddCommentPayload,
    errors: mutationErrors("AddComment"),
    description: "Comments on a post as the viewer; InputError for an invalid body. Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: AddCommentInput, required: true, description: "The post and the text." }) },
    resolve: async (_root, args, context) => {
      const { body } = parseInput(commentInput, { body: args.input.body });
      const comment = await withPrismaErrors(
        "Post",
        () =>
          context.prisma.comment.create({
            data: {
              body,
              post: { connect: { id: Number(args.input.postId.id) } },
              author: { connect: { id: context.viewerId as number } },
            },
          }),
        { viewerReferences: ["comments_author_id_fkey", "CommentToUser"] },
      );
      return { comment };
    },
  }),
}));
