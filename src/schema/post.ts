import { z } from "zod";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { COUNTS } from "../loaders.ts";
import { forbidden, notFound, withPrismaErrors } from "../errors.ts";
import { fields, parseInput } from "./validation.ts";

export const PostRef = builder.prismaNode("Post", {
  id: { field: "id" },
  fields: (t) => ({
    title: t.exposeString("title"),
    body: t.exposeString("body"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    commentCount: t.int({
      resolve: (post, _args, context) => context.loaders.count(COUNTS.commentsByPost).load(post.id),
    }),
    likeCount: t.int({ resolve: (post, _args, context) => context.loaders.count(COUNTS.likesByPost).load(post.id) }),
    viewerHasLiked: t.boolean({
      description: "Whether the logged-in user likes this post; false when logged out.",
      resolve: (post, _args, context) => context.loaders.viewerLikes.load(post.id),
    }),
  }),
});

builder.queryFields((t) => ({
  post: t.field({
    type: PostRef,
    nullable: true,
    description: "The post with this id; null and a NOT_FOUND error when there is none.",
    args: { id: t.arg.globalID({ required: true, for: PostRef }) },
    // The batched loader (one prepared statement) rather than Prisma: the post's fields are all
    // its own columns; its relations resolve through loaders either way.
    resolve: async (_root, args, context) => {
      const post = await context.loaders.postById.load(Number(args.id.id));
      if (!post) throw notFound("Post");
      return post;
    },
  }),
  posts: t.prismaConnection({
    type: "Post",
    cursor: "id",
    description: "Newest first; `tag` (a slug) keeps the posts with that tag.",
    args: { tag: t.arg.string() },
    resolve: (query, _root, args, context) =>
      context.prisma.post.findMany({
        ...query,
        where: args.tag ? { tags: { some: { slug: args.tag } } } : {},
        orderBy: { id: "desc" },
      }),
  }),
}));

const postInput = z.object({ title: fields.title, body: fields.postBody, tags: fields.tags });

const CreatePostInput = builder.inputType("CreatePostInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    body: t.string({ required: true }),
    tags: t.stringList({ description: "Tag names; a tag is created the first time it is used." }),
  }),
});

const UpdatePostInput = builder.inputType("UpdatePostInput", {
  fields: (t) => ({
    id: t.globalID({ required: true, for: PostRef }),
    title: t.string(),
    body: t.string(),
    tags: t.stringList({ description: "Replaces the post's tags when given." }),
  }),
});

const DeletePostInput = builder.inputType("DeletePostInput", {
  fields: (t) => ({ id: t.globalID({ required: true, for: PostRef }) }),
});

const tagConnections = (tags: { slug: string; name: string }[]) =>
  tags.map((tag) => ({ where: { slug: tag.slug }, create: tag }));

/** Loads a post's author, failing with NOT_FOUND or FORBIDDEN unless the viewer wrote it. */
async function assertAuthor(context: Context, id: number) {
  const post = await context.prisma.post.findUnique({ where: { id }, select: { authorId: true } });
  if (!post) throw notFound("Post");
  if (post.authorId !== context.viewerId) throw forbidden("Only the author can change this post");
}

builder.mutationFields((t) => ({
  createPost: t.prismaField({
    type: "Post",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: CreatePostInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const input = parseInput(postInput, { ...args.input, tags: args.input.tags ?? [] });
      const post = await withPrismaErrors("Post", () =>
        context.prisma.post.create({
          ...query,
          data: {
            title: input.title,
            body: input.body,
            author: { connect: { id: context.viewerId as number } },
            tags: { connectOrCreate: tagConnections(input.tags) },
          },
        }),
      );
      // Root `posts` lists may now include it; its author's list and count and its tags' counts changed,
      // and `tags` may list a tag it created.
      const tags =
        input.tags.length > 0
          ? await context.prisma.tag.findMany({
              where: { slug: { in: input.tags.map((tag) => tag.slug) } },
              select: { id: true },
            })
          : [];
      await context.invalidate([
        { rootField: "posts" },
        { typename: "User", id: post.authorId },
        ...(tags.length > 0 ? [{ rootField: "tags" as const }] : []),
        ...tags.map((tag) => ({ typename: "Tag" as const, id: tag.id })),
      ]);
      return post;
    },
  }),
  updatePost: t.prismaField({
    type: "Post",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UpdatePostInput, required: true }) },
    resolve: async (query, _root, args, context) => {
      const id = Number(args.input.id.id);
      const input = parseInput(postInput.partial(), {
        title: args.input.title ?? undefined,
        body: args.input.body ?? undefined,
        tags: args.input.tags ?? undefined,
      });
      await assertAuthor(context, id);
      const post = await withPrismaErrors("Post", () =>
        context.prisma.post.update({
          ...query,
          where: { id },
          data: {
            title: input.title,
            body: input.body,
            ...(input.tags ? { tags: { set: [], connectOrCreate: tagConnections(input.tags) } } : {}),
          },
        }),
      );
      // New tags change which `posts(tag:)` lists hold it and the tags' counts.
      await context.invalidate([
        { typename: "Post", id },
        ...(input.tags ? [{ rootField: "posts" as const }, { typename: "Tag" as const }] : []),
      ]);
      return post;
    },
  }),
  deletePost: t.field({
    type: DeletePostPayload,
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: DeletePostInput, required: true }) },
    resolve: async (_root, args, context) => {
      const id = Number(args.input.id.id);
      await assertAuthor(context, id);
      const deleted = await withPrismaErrors("Post", () =>
        context.prisma.post.delete({ where: { id }, select: { authorId: true } }),
      );
      // Its comments and likes went with it (cascade); its tags' counts changed.
      await context.invalidate([
        { typename: "Post", id },
        { typename: "User", id: deleted.authorId },
        { typename: "Comment" },
        { typename: "Tag" },
      ]);
      return { deletedPostId: { type: "Post", id } };
    },
  }),
}));

const DeletePostPayload = builder
  .objectRef<{ deletedPostId: { type: string; id: number } }>("DeletePostPayload")
  .implement({
    fields: (t) => ({
      deletedPostId: t.globalID({ resolve: (payload) => payload.deletedPostId }),
    }),
  });
