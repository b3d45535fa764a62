import { z } from "zod";
import { builder } from "./builder.ts";
import { notFound } from "../errors.ts";
import { createLoaders, type PageSpec } from "../data/loaders.ts";
import type { Comment, Post } from "../data/generated/prisma/client.ts";
import { addComment } from "../data/comments.ts";
import { commentsAfter, NEW_COMMENTS_BATCH, newestCommentId } from "../data/new-comments.ts";
import { childEdge, resolveCountedChildConnection, totalCountField } from "./child-connection.ts";
import { mutationErrors } from "./mutation-errors.ts";
import { joinsOne, readsFields } from "./narrow-rows.ts";
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
      // A page of comments reads the authors' columns with its rows when that is all they show.
      extensions: joinsOne("User", "authorId"),
      resolve: (comment, _args, context, info) => loadAuthor(context, comment, info),
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
      extensions: readsFields("commentCount"),
      resolve: (post, args, context, info) =>
        resolveCountedChildConnection(COMMENTS_BY_POST, { id: post.id, count: post.commentCount }, args, context, info),
    },
    {
      name: "PostCommentsConnection",
      fields: totalCountField("How many comments the post has (a counter: no count is run)."),
    },
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

const AddCommentPayload = builder.objectRef<{ comment: Comment; post: Post }>("AddCommentPayload").implement({
  description: "What `addComment` made: the comment, its edge in the post's `comments`, and the post (`commentCount`).",
  fields: (t) => ({
    comment: t.field({ type: CommentRef, description: "The new comment.", resolve: (payload) => payload.comment }),
    commentEdge: t.field({
      type: PostCommentsEdge,
      description: "The comment as an edge of the post's `comments` (oldest first: it goes last).",
      resolve: (payload) => childEdge(payload.comment),
    }),
    post: t.field({
      type: PostRef,
      nullable: true,
      description: "The post as the comment left it (`commentCount`).",
      resolve: (payload) => payload.post,
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
      const added = await addComment(context.sql, context.viewerId as number, Number(args.input.postId.id), body);
      if (!added) throw notFound("Post");
      context.loaders.rememberPost(added.post, added.postAuthor);
      return { comment: added.comment, post: added.post };
    },
  }),
}));

/** Comment ids a subscription delivered lately: a comment's announcement can arrive after a read delivered it. */
const REMEMBERED_IDS = 1_000;

function remember(ids: Set<number>, id: number) {
  ids.add(id);
  if (ids.size > REMEMBERED_IDS) ids.delete(ids.values().next().value as number);
}

builder.subscriptionFields((t) => ({
  commentAdded: t.field({
    type: CommentRef,
    description:
      "Each comment added to the post from now on, by anyone on any server, in the order they commit (id order after a gap). Ends when the post is deleted; NOT_FOUND for a missing post.",
    args: { postId: t.arg.globalID({ required: true, for: PostRef, description: "The post's global id." }) },
    subscribe: async function* (_root, args, context) {
      const postId = Number(args.postId.id);
      const finished = new AbortController();
      // Listening starts before the first read: a comment committed in between is not missed.
      const changes = context.commentEvents.changes(postId, AbortSignal.any([context.request.signal, finished.signal]));
      let change = changes.next();
      try {
        let lastId = await newestCommentId(context.sql, postId);
        if (lastId === undefined) throw notFound("Post");
        const delivered = new Set<number>();
        for (;;) {
          const woken = await change;
          if (woken.done) return;
          change = changes.next();
          const announced = woken.value;
          if (announced.length > 0 && announced.every((id) => delivered.has(id))) continue;
          // Everything past lastId is read anyway; an announced id below it committed after a
          // comment with a higher id (transactions commit out of id order) and is asked for by id.
          const below = lastId;
          let late = announced.filter((id) => id <= below && !delivered.has(id));
          for (;;) {
            const comments = await commentsAfter(context.sql, postId, lastId, late);
            if (comments === null) return; // the post was deleted
            for (const comment of comments) {
              if (delivered.has(comment.id)) continue;
              remember(delivered, comment.id);
              lastId = Math.max(lastId, comment.id);
              yield comment;
            }
            if (comments.length < NEW_COMMENTS_BATCH) break;
            late = late.filter((id) => !delivered.has(id));
          }
        }
      } finally {
        finished.abort();
      }
    },
    resolve: (comment, _args, context) => {
      // One context serves every event: each reads authors and posts afresh, not from the first event's loaders.
      context.loaders = createLoaders(context.sql, context.viewerId);
      return comment;
    },
  }),
}));
