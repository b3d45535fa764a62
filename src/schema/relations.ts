import type { GraphQLResolveInfo } from "graphql";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import type { User } from "../data/generated/prisma/client.ts";
import { PAGES } from "../data/loaders.ts";
import { resolveChildConnection } from "./child-connection.ts";
import { CommentRef } from "./comment.ts";
import { PostRef } from "./post.ts";
import { TagRef } from "./tag.ts";
import { fieldsSelected, readsFields } from "./narrow-rows.ts";
import { UserRef } from "./user.ts";

// Fields that lead from one type to another, kept here so the type files never import each
// other. Each resolves through a per-request DataLoader (loaders.ts): one statement per field
// per request, whatever the number of parents; nested pages read `first` rows per parent.

/** The author, reading only the columns the selection needs when those are plain exposed fields. */
async function loadAuthor(context: Context, authorId: number, info: GraphQLResolveInfo): Promise<User> {
  const fields = fieldsSelected(info);
  const loader = fields ? context.loaders.usersWithFields(fields) : context.loaders.userById;
  const author = await loader.load(authorId);
  if (!author) throw new Error(`User ${authorId} is missing`);
  return author;
}

builder.prismaObjectFields(UserRef, (t) => ({
  posts: t.connection(
    {
      type: PostRef,
      description: "The posts the user wrote, newest first.",
      extensions: readsFields(),
      resolve: (user, args, context, info) =>
        resolveChildConnection(PAGES.postsByAuthor, user.id, args, context, fieldsSelected(info, ["edges", "node"])),
    },
    { name: "UserPostsConnection" },
    { name: "UserPostsConnectionEdge" },
  ),
}));

builder.prismaObjectFields(PostRef, (t) => ({
  author: t.field({
    type: UserRef,
    description: "Who wrote it.",
    extensions: readsFields("authorId"),
    resolve: (post, _args, context, info) => loadAuthor(context, post.authorId, info),
  }),
  tags: t.field({
    type: [TagRef],
    description: "The post's tags, by slug.",
    extensions: readsFields(),
    resolve: (post, _args, context) => context.loaders.tagsByPost.load(post.id),
  }),
  comments: t.connection(
    {
      type: CommentRef,
      description: "The post's comments, oldest first.",
      extensions: readsFields(),
      resolve: (post, args, context, info) =>
        resolveChildConnection(PAGES.commentsByPost, post.id, args, context, fieldsSelected(info, ["edges", "node"])),
    },
    { name: "PostCommentsConnection" },
    { name: "PostCommentsConnectionEdge" },
  ),
}));

builder.prismaObjectFields(CommentRef, (t) => ({
  author: t.field({
    type: UserRef,
    description: "Who wrote it.",
    extensions: readsFields("authorId"),
    resolve: (comment, _args, context, info) => loadAuthor(context, comment.authorId, info),
  }),
  post: t.field({
    type: PostRef,
    description: "The post it replies to.",
    extensions: readsFields("postId"),
    resolve: async (comment, _args, context) => {
      const post = await context.loaders.postById.load(comment.postId);
      if (!post) throw new Error(`Post ${comment.postId} of comment ${comment.id} is missing`);
      return post;
    },
  }),
}));
