import { builder } from "./builder.ts";
import { withPrismaErrors } from "../data/database-errors.ts";
import { badInput, notFound } from "../errors.ts";
import { likePost, unlikePost } from "../data/likes.ts";
import type { Context } from "./context.ts";
import { readsFields } from "./narrow-rows.ts";
import { PostRef } from "./post.ts";
import { UserRef, userIdByHandle } from "./user.ts";

// Counter columns kept by triggers in the write's transaction: one read, whatever the count.
builder.prismaObjectFields(PostRef, (t) => ({
  likeCount: t.exposeInt("likeCount", { description: "How many users like it." }),
  viewerHasLiked: t.boolean({
    extensions: { cacheScope: "PRIVATE", ...readsFields() },
    description: "Whether the logged-in user likes this post; false when logged out.",
    resolve: (post, _args, context) => context.loaders.viewerLikes.load(post.id),
  }),
}));

builder.prismaObjectFields(UserRef, (t) => ({
  followerCount: t.exposeInt("followerCount", { description: "How many users follow this user." }),
  followingCount: t.exposeInt("followingCount", { description: "How many users this user follows." }),
}));

const PostIdInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ postId: t.globalID({ required: true, for: PostRef, description: "The post's global id." }) }),
  });
const HandleInput = (name: string, description: string) =>
  builder.inputType(name, {
    description,
    fields: (t) => ({ handle: t.string({ required: true, description: "The user's handle, without the @." }) }),
  });

const LikePostInput = PostIdInput("LikePostInput", "The post the viewer likes.");
const UnlikePostInput = PostIdInput("UnlikePostInput", "The post the viewer no longer likes.");
const FollowUserInput = HandleInput("FollowUserInput", "The user the viewer follows.");
const UnfollowUserInput = HandleInput("UnfollowUserInput", "The user the viewer stops following.");

/** The post after a like or unlike, read after the write; it may be deleted in between (the like then went with it). */
async function likedPost(context: Context, postId: number) {
  const post = await context.loaders.postById.load(postId);
  if (!post) throw notFound("Post");
  return post;
}

// Likes and follows are idempotent: liking twice leaves one like, unliking what was never liked is no
// error (and, changing nothing, invalidates nothing: cache/write-log.ts).
builder.mutationFields((t) => ({
  likePost: t.field({
    type: PostRef,
    description: "Likes a post as the viewer and returns it (liking twice keeps one like). Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: LikePostInput, required: true, description: "The post." }) },
    resolve: async (_root, args, context) => {
      const postId = Number(args.input.postId.id);
      await likePost(context.sql, context.viewerId as number, postId);
      return likedPost(context, postId);
    },
  }),
  unlikePost: t.field({
    type: PostRef,
    description: "Removes the viewer's like, if any, and returns the post. Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UnlikePostInput, required: true, description: "The post." }) },
    resolve: async (_root, args, context) => {
      const postId = Number(args.input.postId.id);
      await unlikePost(context.sql, context.viewerId as number, postId);
      return likedPost(context, postId);
    },
  }),
  followUser: t.prismaField({
    type: "User",
    description: "Follows the user with this handle and returns them.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: FollowUserInput, required: true, description: "Whom to follow." }) },
    resolve: async (query, _root, args, context) => {
      const followeeId = await userIdByHandle(context.prisma, args.input.handle);
      const followerId = context.viewerId as number;
      if (followeeId === followerId) throw badInput("You cannot follow yourself", "handle");
      // The followee may be deleted since the handle was looked up (NOT_FOUND), or the viewer (UNAUTHENTICATED).
      await withPrismaErrors(
        "User",
        () => context.prisma.follow.createMany({ data: [{ followerId, followeeId }], skipDuplicates: true }),
        { viewerReferences: ["follows_follower_id_fkey"] },
      );
      return withPrismaErrors("User", () =>
        context.prisma.user.findUniqueOrThrow({ ...query, where: { id: followeeId } }),
      );
    },
  }),
  unfollowUser: t.prismaField({
    type: "User",
    description: "Stops following the user with this handle and returns them.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UnfollowUserInput, required: true, description: "Whom to stop following." }) },
    resolve: async (query, _root, args, context) => {
      const followeeId = await userIdByHandle(context.prisma, args.input.handle);
      await context.prisma.follow.deleteMany({ where: { followerId: context.viewerId as number, followeeId } });
      return withPrismaErrors("User", () =>
        context.prisma.user.findUniqueOrThrow({ ...query, where: { id: followeeId } }),
      );
    },
  }),
}));
