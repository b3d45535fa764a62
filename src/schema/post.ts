import { z } from "zod";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { userGone } from "../auth/viewer.ts";
import { withPrismaErrors } from "../data/database-errors.ts";
import { createPost, tagConnections } from "../data/posts.ts";
import { badInput, forbidden, notFound } from "../errors.ts";
import type { PageSpec } from "../data/loaders.ts";
import type { Post } from "../data/generated/prisma/client.ts";
import { childEdge, resolveCountedChildConnection, totalCountField } from "./child-connection.ts";
import { mutationErrors } from "./mutation-errors.ts";
import { type OrderDeclaration, orderEnum, resolveOrderedConnection } from "./ordered-connection.ts";
import { joinsOne, readsFields } from "./narrow-rows.ts";
import { TagRef, tagNames } from "./tag.ts";
import { loadAuthor, loadViewer, UserRef } from "./user.ts";
import { parseInput, trimmed } from "./validation.ts";

export const PostRef = builder.prismaNode("Post", {
  description: "A text a user wrote, with its tags, comments and likes.",
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtlSeconds: 3600 },
  fields: (t) => ({
    title: t.exposeString("title", { description: "One line, at most 200 characters." }),
    body: t.exposeString("body", { description: "The text, plain (render it as text, not HTML)." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was written." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
    // Nullable: an author deleted while the request runs (the post read before, the author after)
    // makes this edge null with NOT_FOUND at its path; the rest of the page is answered.
    author: t.field({
      type: UserRef,
      nullable: true,
      description: "Who wrote it; null (with a NOT_FOUND error) if they were deleted while the request ran.",
      // A page of posts reads the authors' columns with its rows when that is all they show.
      extensions: joinsOne("User", "authorId"),
      resolve: (post, _args, context, info) => loadAuthor(context, post, info),
    }),
    tags: t.field({
      type: [TagRef],
      description: "The post's tags, by slug.",
      extensions: readsFields(),
      resolve: (post, _args, context) => context.loaders.tagsByPost.load(post.id),
    }),
  }),
});

/** An edge of a user's `posts`; also what createPost answers, for a client to insert in the viewer's. */
const UserPostsEdge = builder.edgeObject({ type: PostRef, name: "UserPostsConnectionEdge" });

/** A user's posts, newest first: a page per user, one LATERAL statement for every user of a page (data/loaders.ts). */
const POSTS_BY_AUTHOR: PageSpec<Post> = { model: "Post", parentField: "authorId", newestFirst: true };

builder.prismaObjectFields(UserRef, (t) => ({
  posts: t.connection(
    {
      type: PostRef,
      description: "The posts the user wrote, newest first.",
      extensions: readsFields("postCount"),
      resolve: (user, args, context, info) =>
        resolveCountedChildConnection(POSTS_BY_AUTHOR, { id: user.id, count: user.postCount }, args, context, info),
    },
    {
      name: "UserPostsConnection",
      fields: totalCountField("How many posts the user wrote (a counter: no count is run)."),
    },
    UserPostsEdge,
  ),
  // A counter column kept by a trigger in the write's transaction: one read, whatever the count.
  postCount: t.exposeInt("postCount", { description: "How many posts the user wrote." }),
}));

/** The orders of `posts`: newest, or by a counter kept by triggers (indexes on (counter, id): migration 20261203160000_list_orders). */
const POST_ORDERS = {
  NEWEST: { by: "id", descending: true, description: "Newest first (the default)." },
  MOST_LIKED: { by: "likeCount", descending: true, description: "Most liked first; equal counts newest first." },
  MOST_COMMENTED: {
    by: "commentCount",
    descending: true,
    description: "Most commented first; equal counts newest first.",
  },
} satisfies Record<string, OrderDeclaration>;
type PostOrder = keyof typeof POST_ORDERS;
const PostOrderRef = orderEnum("PostOrder", "How `posts` is ordered.", POST_ORDERS);

const MAX_SEARCH_LENGTH = 200;

/** The search text trimmed, or null for none; blank or too long is refused. */
function searchWords(search: string | null | undefined): string | null {
  if (search === null || search === undefined) return null;
  const words = search.trim();
  if (!words) throw badInput("search must hold at least one word", "search");
  if (words.length > MAX_SEARCH_LENGTH) {
    throw badInput(`search must be at most ${MAX_SEARCH_LENGTH} characters, not ${words.length}`, "search");
  }
  return words;
}

builder.queryFields((t) => ({
  post: t.field({
    type: PostRef,
    nullable: true,
    description: "The post with this id; null and a NOT_FOUND error when there is none.",
    args: { id: t.arg.globalID({ required: true, for: PostRef, description: "The post's global id." }) },
    // The batched loader (one prepared statement) rather than Prisma: the post's fields are all
    // its own columns; its relations resolve through loaders either way.
    resolve: async (_root, args, context) => {
      const post = await context.loaders.postById.load(Number(args.id.id));
      if (!post) throw notFound("Post");
      return post;
    },
  }),
  posts: t.connection(
    {
      type: PostRef,
      description:
        "Every post, newest first unless `orderBy` says otherwise; `tag` keeps the posts with that tag and `search` the posts whose words match.",
      args: {
        tag: t.arg.string({ description: "A tag's slug, e.g. `graphql`; omit for every post." }),
        search: t.arg.string({
          description: `Words the title or text must hold (PostgreSQL full-text search, English stemming; "quoted phrases", \`or\` and \`-word\` work as in web search). ${MAX_SEARCH_LENGTH} characters at most.`,
        }),
        orderBy: t.arg({
          type: PostOrderRef,
          defaultValue: "NEWEST",
          description: "The order; with `tag` or `search`, NEWEST only.",
        }),
      },
      resolve: (_root, args, context, info) => {
        const orderBy = args.orderBy ?? "NEWEST";
        const search = searchWords(args.search);
        // A counter order over a tag's posts or a search's matches would sort every match: not offered.
        if (orderBy !== "NEWEST" && (args.tag || search)) {
          throw badInput(`orderBy ${orderBy} cannot be combined with tag or search: those are newest first`, "orderBy");
        }
        return resolveOrderedConnection<Post, PostOrder>("Post", POST_ORDERS, orderBy, args, context, info, {
          tagSlug: args.tag,
          search,
        });
      },
    },
    { name: "QueryPostsConnection" },
    { name: "QueryPostsConnectionEdge" },
  ),
}));

const postInput = z.object({ title: trimmed(1, 200), body: trimmed(1, 50_000), tags: tagNames });

const CreatePostInput = builder.inputType("CreatePostInput", {
  description: "A new post by the viewer.",
  fields: (t) => ({
    title: t.string({ required: true, description: "1 to 200 characters." }),
    body: t.string({ required: true, description: "1 to 50,000 characters." }),
    tags: t.stringList({ description: "Up to 10 tag names; a tag is created the first time it is used." }),
  }),
});

const UpdatePostInput = builder.inputType("UpdatePostInput", {
  description: "Changes to one of the viewer's posts; fields left out stay as they are.",
  fields: (t) => ({
    id: t.globalID({ required: true, for: PostRef, description: "The post to change." }),
    title: t.string({ description: "A new title, 1 to 200 characters." }),
    body: t.string({ description: "A new text, 1 to 50,000 characters." }),
    tags: t.stringList({ description: "Replaces the post's tags when given." }),
  }),
});

const DeletePostInput = builder.inputType("DeletePostInput", {
  description: "Which of the viewer's posts to delete.",
  fields: (t) => ({ id: t.globalID({ required: true, for: PostRef, description: "The post to delete." }) }),
});

/** Loads a post's author, failing with NOT_FOUND or FORBIDDEN unless the viewer wrote it. */
async function assertAuthor(context: Context, id: number) {
  const post = await context.prisma.post.findUnique({ where: { id }, select: { authorId: true } });
  if (!post) throw notFound("Post");
  if (post.authorId !== context.viewerId) throw forbidden("Only the author can change this post");
}

const CreatePostPayload = builder.objectRef<{ post: Post }>("CreatePostPayload").implement({
  description: "What `createPost` made: the post, its edge in the viewer's `posts`, and the viewer (`postCount`).",
  fields: (t) => ({
    post: t.field({ type: PostRef, description: "The new post.", resolve: (payload) => payload.post }),
    postEdge: t.field({
      type: UserPostsEdge,
      description: "The post as an edge of the viewer's `posts` (newest first: it goes first).",
      resolve: (payload) => childEdge(payload.post),
    }),
    viewer: t.field({
      type: UserRef,
      description: "The viewer, who wrote it, read after the write.",
      resolve: (_payload, _args, context) => loadViewer(context),
    }),
  }),
});

const UpdatePostPayload = builder.objectRef<{ post: Post }>("UpdatePostPayload").implement({
  description: "What `updatePost` changed.",
  fields: (t) => ({
    post: t.field({ type: PostRef, description: "The post, changed.", resolve: (payload) => payload.post }),
  }),
});

const DeletePostPayload = builder
  .objectRef<{ deletedPostId: { type: string; id: number } }>("DeletePostPayload")
  .implement({
    description: "What `deletePost` removed.",
    fields: (t) => ({
      deletedPostId: t.globalID({
        description: "The deleted post's global id: remove it from client caches.",
        resolve: (payload) => payload.deletedPostId,
      }),
      viewer: t.field({
        type: UserRef,
        description: "The viewer, who wrote it, read after the delete (`postCount`).",
        resolve: (_payload, _args, context) => loadViewer(context),
      }),
    }),
  });

builder.mutationFields((t) => ({
  createPost: t.field({
    type: CreatePostPayload,
    errors: mutationErrors("CreatePost"),
    description: "Publishes a post by the viewer; InputError for an invalid title, body or tags. Needs a token.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: CreatePostInput, required: true, description: "The post." }) },
    resolve: async (_root, args, context) => {
      const input = parseInput(postInput, { ...args.input, tags: args.input.tags ?? [] });
      const created = await createPost(context.sql, {
        authorId: context.viewerId as number,
        title: input.title,
        body: input.body,
        tags: input.tags,
      });
      if (!created) throw userGone();
      context.loaders.rememberPost(created.post, created.author);
      return { post: created.post };
    },
  }),
  updatePost: t.field({
    type: UpdatePostPayload,
    errors: mutationErrors("UpdatePost"),
    description: "Changes a post; only its author may (FORBIDDEN otherwise). InputError for an invalid value.",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: UpdatePostInput, required: true, description: "The post and its changes." }) },
    resolve: async (_root, args, context) => {
      const id = Number(args.input.id.id);
      const input = parseInput(postInput.partial(), {
        title: args.input.title ?? undefined,
        body: args.input.body ?? undefined,
        tags: args.input.tags ?? undefined,
      });
      await assertAuthor(context, id);
      const post = await withPrismaErrors("Post", () =>
        context.prisma.post.update({
          where: { id },
          data: {
            title: input.title,
            body: input.body,
            ...(input.tags ? { tags: { set: [], connectOrCreate: tagConnections(input.tags) } } : {}),
          },
        }),
      );
      return { post };
    },
  }),
  deletePost: t.field({
    type: DeletePostPayload,
    description: "Deletes a post with its comments and likes; only its author may (FORBIDDEN otherwise).",
    authScopes: { loggedIn: true },
    args: { input: t.arg({ type: DeletePostInput, required: true, description: "The post to delete." }) },
    resolve: async (_root, args, context) => {
      const id = Number(args.input.id.id);
      await assertAuthor(context, id);
      await withPrismaErrors("Post", () => context.prisma.post.delete({ where: { id }, select: { id: true } }));
      return { deletedPostId: { type: "Post", id } };
    },
  }),
}));
