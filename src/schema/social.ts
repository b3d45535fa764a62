import { builder } from "./builder.ts";
import { withPrismaErrors } from "../data/database-errors.ts";
import { InputError, notFound } from "../errors.ts";
import { type LikedPost, likePost, unlikePost } from "../data/likes.ts";
import type { Context } from "./context.ts";
import { readsFields } from "./narrow-rows.ts";
import { PostRef } from "./post.ts";
import { loadViewer, UserRef, userIdByHandle } from "./user.ts";
import { mutationErrors } from "./mutation-errors.ts";
import type { Post } from "../data/generated/prisma/client.ts";

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

/** The payload of a like or unlike: the post as the write left it, or NOT_FOUND if it is gone (its likes went with it). */
function likedPayload(context: Context, liked: LikedPost | null) {
  if (!liked) throw notFound("Post");
  context.loaders.rememberPost(liked.post, liked.author);
  return { post: liked.post };
}

const LikePostPayload = builder.objectRef<{ post: Post }>("LikePostPayload").implement({
  description: "What `likePost` changed.",
  fields: (t) => ({
    post: t.field({ type: PostRef, description: "The post, liked (`likeCount`).", resolve: (payload) => payload.post }),
  }),
});

const UnlikePostPayload = builder.objectRef<{ post: Post }>("UnlikePostPayload").implement({
  description: "What `unlikePost` changed.",
  fields: (t) => ({
    post: t.field({
      type: PostRef,
      description: "The post, no longer liked by the viewer (`likeCount`).",
      resolve: (payload) => payload.post,
    }),
  }),
});

/** A follow or unfollow changes the followee's `followerCount` and the viewer's `followingCount`. */
const followPayload = (name: string, verb: string) =>
  builder.objectRef<{ userId: number }>(name).implement({
    description: `What \`${verb}\` changed.`,
    fields: (t) => ({
      user: t.field({
        type: UserRef,
        description: "The user followed or unfollowed, read after the write (`followerCount`).",
        resolve: async (payload, _args, context) => {
          const user = await context.loaders.userById.clear(payload.userId).load(payload.userId);
          if (!user) throw notFound("User");
          return user;
        },
      }),
      viewer: t.field({
        type: UserRef,
        description: "The viewer, read after the write (`followingCount`).",
        resolve: (_payload, _args, context) => loadViewer(context),
      }),
    }),
  });

const FollowUserPayload = followPayload("FollowUserPayload", "followUser");
const UnfollowUserPayload = followPayload("UnfollowUserPayload", "unfollowUser");

// Likes and follows are idempotent: liking twice leaves one like, unliking what was never liked is no
// error (and, changing nothing, invalidates nothing: cache/write-log.ts).
builder.mutationFields((t) => ({
  likePost: t.field({
    type: LikePostPayload,
    description: "Likes a post as the viewer (liking twice keeps one like). Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: LikePostInput, required: true, description: "The post." }) },
    resolve: async (_root, args, context) => {
      const postId = Number(args.input.postId.id);
      return likedPayload(context, await likePost(context.sql, context.viewerId as number, postId));
    },
  }),
  unlikePost: t.field({
    type: UnlikePostPayload,
    description: "Removes the viewer's like, if any. Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UnlikePostInput, required: true, description: "The post." }) },
    resolve: async (_root, args, context) => {
      const postId = Number(args.input.postId.id);
      return likedPayload(context, await unlikePost(context.sql, context.viewerId as number, postId));
    },
  }),
  followUser: t.field({
    type: FollowUserPayload,
    errors: mutationErrors("FollowUser"),
    description: "Follows the user with this handle; InputError for the viewer's own handle. Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: FollowUserInput, required: true, description: "Whom to follow." }) },
    resolve: async (_root, args, context) => {
      const followeeId = await userIdByHandle(context.prisma, args.input.handle);
      const followerId = context.viewerId as number;
      if (followeeId === followerId) {
        throw new InputError(
          [{ path: ["handle"], message: "You cannot follow yourself" }],
          "You cannot follow yourself",
        );
      }
      // The followee may be deleted since the handle was looked up (NOT_FOUND), or the viewer (UNAUTHENTICATED).
      await withPrismaErrors(
        "User",
        () => context.prisma.follow.createMany({ data: [{ followerId, followeeId }], skipDuplicates: true }),
        { viewerReferences: ["follows_follower_id_fkey"] },
      );
      return { userId: followeeId };
    },
  }),
  unfollowUser: t.field({
    type: UnfollowUserPayload,
    description: "Stops following the user with this handle, if the viewer did. Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UnfollowUserInput, required: true, description: "Whom to stop following." }) },
    resolve: async (_root, args, context) => {
      const followeeId = await userIdByHandle(context.prisma, args.input.handle);
      await context.prisma.follow.deleteMany({ where: { followerId: context.viewerId as number, followeeId } });
      return { userId: followeeId };
    },
  }),
}));
