import { builder } from "../builder.ts";
import { badInput, withPrismaErrors } from "../errors.ts";
import { PostRef } from "./post.ts";
import { userIdByHandle } from "./user.ts";

const PostIdInput = (name: string) =>
  builder.inputType(name, { fields: (t) => ({ postId: t.globalID({ required: true, for: PostRef }) }) });
const HandleInput = (name: string) =>
  builder.inputType(name, { fields: (t) => ({ handle: t.string({ required: true }) }) });

const LikePostInput = PostIdInput("LikePostInput");
const UnlikePostInput = PostIdInput("UnlikePostInput");
const FollowUserInput = HandleInput("FollowUserInput");
const UnfollowUserInput = HandleInput("UnfollowUserInput");

// Likes and follows are idempotent: liking twice leaves one like, unliking what was never liked is no
// error (and, changing nothing, invalidates nothing: cache/write-log.ts).
builder.mutationFields((t) => ({
  likePost: t.prismaField({
    type: "Post",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: LikePostInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const postId = Number(args.input.postId.id);
      const userId = context.viewerId as number;
      await withPrismaErrors("Post", () =>
        context.prisma.like.createMany({ data: [{ userId, postId }], skipDuplicates: true }),
      );
      return context.prisma.post.findUniqueOrThrow({ ...query, where: { id: postId } });
    },
  }),
  unlikePost: t.prismaField({
    type: "Post",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UnlikePostInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const postId = Number(args.input.postId.id);
      await context.prisma.like.deleteMany({ where: { userId: context.viewerId as number, postId } });
      return withPrismaErrors("Post", () => context.prisma.post.findUniqueOrThrow({ ...query, where: { id: postId } }));
    },
  }),
  followUser: t.prismaField({
    type: "User",
    description: "Follows the user with this handle and returns them.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: FollowUserInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const followeeId = await userIdByHandle(context.prisma, args.input.handle);
      const followerId = context.viewerId as number;
      if (followeeId === followerId) throw badInput("You cannot follow yourself", "handle");
      await context.prisma.follow.createMany({ data: [{ followerId, followeeId }], skipDuplicates: true });
      return context.prisma.user.findUniqueOrThrow({ ...query, where: { id: followeeId } });
    },
  }),
  unfollowUser: t.prismaField({
    type: "User",
    description: "Stops following the user with this handle and returns them.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UnfollowUserInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const followeeId = await userIdByHandle(context.prisma, args.input.handle);
      await context.prisma.follow.deleteMany({ where: { followerId: context.viewerId as number, followeeId } });
      return context.prisma.user.findUniqueOrThrow({ ...query, where: { id: followeeId } });
    },
  }),
}));
