import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import type { PrismaClient } from "../../src/data/db.ts";
import type { Comment, Post, User } from "../../src/data/generated/prisma/client.ts";

/**
 * The N+1 baseline: Sokudo's own schema.graphql, resolved row by row the way one writes
 * resolvers without care: every relation, count and page of every parent is its own query.
 * Only what the benchmark's operations touch is implemented.
 */

type Resolver = GraphQLFieldResolver<unknown, unknown, Record<string, unknown>>;
interface Args {
  first?: number;
}

const page = <T>(rows: T[]) => ({
  edges: rows.map((node) => ({ node, cursor: "" })),
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
});

export function createBaselineSchema(prisma: PrismaClient): GraphQLSchema {
  const schema = buildSchema(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"));
  const resolvers: Record<string, Record<string, Resolver>> = {
    Query: {
      users: async (_root, args: Args) =>
        page(await prisma.user.findMany({ take: args.first ?? 20, orderBy: { id: "asc" } })),
      posts: async (_root, args: Args) =>
        page(await prisma.post.findMany({ take: args.first ?? 20, orderBy: { id: "desc" } })),
    },
    User: {
      posts: async (user, args: Args) =>
        page(
          await prisma.post.findMany({
            where: { authorId: (user as User).id },
            take: args.first ?? 20,
            orderBy: { id: "desc" },
          }),
        ),
      followerCount: (user) => prisma.follow.count({ where: { followeeId: (user as User).id } }),
      postCount: (user) => prisma.post.count({ where: { authorId: (user as User).id } }),
    },
    Post: {
      author: (post) => prisma.user.findUnique({ where: { id: (post as Post).authorId } }),
      tags: (post) =>
        prisma.tag.findMany({ where: { posts: { some: { id: (post as Post).id } } }, orderBy: { slug: "asc" } }),
      commentCount: (post) => prisma.comment.count({ where: { postId: (post as Post).id } }),
      likeCount: (post) => prisma.like.count({ where: { postId: (post as Post).id } }),
      comments: async (post, args: Args) =>
        page(
          await prisma.comment.findMany({
            where: { postId: (post as Post).id },
            take: args.first ?? 20,
            orderBy: { id: "asc" },
          }),
        ),
    },
    Comment: {
      author: (comment) => prisma.user.findUnique({ where: { id: (comment as Comment).authorId } }),
    },
  };
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName) as GraphQLObjectType;
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`${typeName}.${fieldName} is not in schema.graphql`);
      field.resolve = resolve;
    }
  }
  return schema;
}
