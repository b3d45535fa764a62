import type { GraphQLResolveInfo } from "graphql";
import { z } from "zod";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import type { PrismaClient } from "../data/db.ts";
import { joinedEdge } from "../data/joined-edges.ts";
import { clientErrorForDatabaseFailure } from "../data/database-errors.ts";
import { userGone } from "../auth/viewer.ts";
import { notFound } from "../errors.ts";
import type { User } from "../data/generated/prisma/client.ts";
import { fieldsSelected, readsFields } from "./narrow-rows.ts";
import { type OrderDeclaration, orderEnum, resolveOrderedConnection } from "./ordered-connection.ts";
import { trimmed } from "./validation.ts";

// Users that logIn/signUp just authenticated in this request: their payload shows their own email.
const authenticatedUsers = new WeakSet<object>();

export function asAuthenticatedUser<T extends object>(user: T): T {
  authenticatedUsers.add(user);
  return user;
}

export const UserRef = builder.prismaNode("User", {
  description: "A person with an account: writes posts and comments, likes posts, follows other users.",
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  extensions: { cacheScope: "PUBLIC", cacheTtlSeconds: 3600 },
  fields: (t) => ({
    handle: t.exposeString("handle", {
      description:
        "Unique public name, as in @handle, whatever its case (no @Alice beside @alice); `user(handle:)` finds it in any case.",
    }),
    name: t.exposeString("name", { description: "Display name." }),
    bio: t.exposeString("bio", { description: "A short text about the user; empty when they wrote none." }),
    email: t.string({
      nullable: true,
      description: "Only the user themself sees their email; null for everyone else.",
      extensions: readsFields("email"),
      // Owner-only: the user, or the payload of their own signUp/logIn (no token yet). The rule makes
      // any response holding it per-viewer (cache/cache-scope.ts).
      authScopes: (user, _args, context) => context.viewerId === user.id || authenticatedUsers.has(user),
      unauthorizedResolver: () => null,
      resolve: (user) => user.email,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the account was created." }),
  }),
});

/** The orders of `users`: by account age, or by a counter kept by triggers (indexes on (counter, id): migration 20261203160000_list_orders). */
const USER_ORDERS = {
  OLDEST: { by: "id", descending: false, description: "Oldest account first (the default)." },
  NEWEST: { by: "id", descending: true, description: "Newest account first." },
  MOST_POSTS: { by: "postCount", descending: true, description: "Most posts first; equal counts newest first." },
  MOST_FOLLOWERS: {
    by: "followerCount",
    descending: true,
    description: "Most followers first; equal counts newest first.",
  },
} satisfies Record<string, OrderDeclaration>;
type UserOrder = keyof typeof USER_ORDERS;
const UserOrderRef = orderEnum("UserOrder", "How `users` is ordered.", USER_ORDERS);

builder.queryFields((t) => ({
  viewer: t.prismaField({
    type: "User",
    nullable: true,
    extensions: { cacheScope: "PRIVATE" },
    description: "The logged-in user, or null without a valid token.",
    resolve: async (query, _root, _args, context) => {
      if (context.viewerId === null) return null;
      const user = await context.prisma.user.findUnique({ ...query, where: { id: context.viewerId } });
      // Deleted after its token was checked: the token is no longer good, as on the next request.
      if (!user) throw userGone();
      return user;
    },
  }),
  user: t.prismaField({
    type: "User",
    nullable: true,
    description: "The user with this handle, in any case; null and a NOT_FOUND error when there is none.",
    args: { handle: t.arg.string({ required: true, description: "Without the @." }) },
    resolve: async (query, _root, args, context) => {
      // The handle as spelled first: one statement, the usual case (clients send handles they were given).
      const user =
        (await context.prisma.user.findUnique({ ...query, where: { handle: args.handle } })) ??
        (await userInAnyCase(context.prisma, args.handle, query));
      if (!user) throw notFound(`User @${args.handle}`);
      return user;
    },
  }),
  users: t.connection(
    {
      type: UserRef,
      description: "Every user, oldest account first unless `orderBy` says otherwise.",
      args: { orderBy: t.arg({ type: UserOrderRef, defaultValue: "OLDEST", description: "The order." }) },
      resolve: (_root, args, context, info) =>
        resolveOrderedConnection<User, UserOrder>("User", USER_ORDERS, args.orderBy ?? "OLDEST", args, context, info),
    },
    { name: "QueryUsersConnection" },
    { name: "QueryUsersConnectionEdge" },
  ),
}));

/**
 * The id of the user whose handle is `handle` in any case (handles are unique ignoring case:
 * the users_handle_lower_key index, which this reads by), or undefined.
 */
async function userIdInAnyCase(prisma: PrismaClient, handle: string): Promise<number | undefined> {
  const rows = await prisma.$queryRaw<{ id: number }[]>`SELECT id FROM users WHERE lower(handle) = lower(${handle})`;
  return rows[0]?.id;
}

async function userInAnyCase<Query extends object>(prisma: PrismaClient, handle: string, query: Query) {
  const id = await userIdInAnyCase(prisma, handle);
  return id === undefined ? null : prisma.user.findUnique({ ...query, where: { id } });
}

/** Resolves a handle, in any case, to a user id, or NOT_FOUND. */
export async function userIdByHandle(prisma: PrismaClient, handle: string): Promise<number> {
  const id = await userIdInAnyCase(prisma, handle);
  if (id === undefined) throw notFound(`User @${handle}`);
  return id;
}

/**
 * Whether the user still exists (the viewer check of auth/viewer.ts). Asked while a request's
 * context is built, outside any resolver: a database failure is coded here or it would be a 500.
 */
export function createUserExists(prisma: PrismaClient) {
  return (id: number): Promise<boolean> =>
    prisma.user.findUnique({ where: { id }, select: { id: true } }).then(
      (user) => user !== null,
      (error: unknown) => {
        throw clientErrorForDatabaseFailure(error) ?? error;
      },
    );
}

/** What a new account's fields accept (signUp). */
export const userInput = {
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "must be at most 254 characters")
    .pipe(z.email("must be a valid email address")),
  handle: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_]{3,32}$/, "must be 3 to 32 letters, digits or underscores"),
  name: trimmed(1, 100),
  password: z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
};

/**
 * A post's or comment's author: read with the row when its page joined it, else through the
 * request's loaders (one statement for a page of them), reading only the columns the selection
 * needs when those are plain exposed fields.
 */
export async function loadAuthor(context: Context, row: { authorId: number }, info: GraphQLResolveInfo): Promise<User> {
  // Read with the row, in its page's statement (joinsOne): null means deleted as the page was read.
  const joined = joinedEdge<User>(row, info.fieldName);
  if (joined === null) throw notFound("User");
  if (joined) return joined;
  const authorId = row.authorId;
  const fields = fieldsSelected(info);
  const loader = fields ? context.loaders.usersWithFields(fields) : context.loaders.userById;
  const author = await loader.load(authorId);
  if (!author) throw notFound("User"); // deleted while the request ran: the edge is nullable
  return author;
}

/**
 * The viewer's row after a mutation's write, read again (their counters may have changed with it,
 * since an earlier field of the request loaded it). A viewer deleted meanwhile: UNAUTHENTICATED.
 */
export async function loadViewer(context: Context): Promise<User> {
  if (context.viewerId === null) throw userGone();
  const viewer = await context.loaders.userById.clear(context.viewerId).load(context.viewerId);
  if (!viewer) throw userGone();
  return viewer;
}
