import { describe, expect, it } from "vitest";
import { graphql } from "./gql/index.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const server = await useTestServer();
const alice = await signUpUser(server, "alice");
const bob = await signUpUser(server, "bob");
for (let i = 1; i <= 3; i++) await createPost(server, alice.token, { title: `alice-${i}` });
await createPost(server, bob.token, { title: "bob-1" });

const UserByHandle = graphql(`
  query UserByHandle($handle: String!) {
    user(handle: $handle) {
      id
      handle
      name
      bio
      email
      createdAt
      postCount
      posts(first: 2) {
        edges {
          node {
            title
            author {
              handle
            }
          }
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  }
`);
const UsersPage = graphql(`
  query UsersPage($first: Int, $after: String) {
    users(first: $first, after: $after) {
      edges {
        node {
          handle
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
const NodeLookup = graphql(`
  query NodeLookup($id: ID!, $ids: [ID!]!) {
    node(id: $id) {
      id
      ... on User {
        handle
      }
      ... on Post {
        title
      }
    }
    nodes(ids: $ids) {
      id
      ... on User {
        handle
      }
      ... on Post {
        title
      }
    }
  }
`);

describe("users", () => {
  it("shows a user's own posts, newest first, and hides their email from others", async () => {
    const result = await server.execute(UserByHandle, { variables: { handle: "alice" } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.user).toMatchObject({ handle: "alice", email: null, postCount: 3 });
    expect(result.data?.user?.posts.edges.map((e) => e.node.title)).toEqual(["alice-3", "alice-2"]);
    expect(result.data?.user?.posts.pageInfo.hasNextPage).toBe(true);

    const asBob = await server.execute(UserByHandle, { token: bob.token, variables: { handle: "alice" } });
    expect(asBob.data?.user?.email).toBeNull();
    const asAlice = await server.execute(UserByHandle, { token: alice.token, variables: { handle: "alice" } });
    expect(asAlice.data?.user?.email).toBe("alice@example.test");
  });

  it("gives null and NOT_FOUND for an unknown handle", async () => {
    const result = await server.execute(UserByHandle, { variables: { handle: "nobody" } });
    expect(result.data?.user).toBeNull();
    expect(errorCodes(result)).toEqual(["NOT_FOUND"]);
  });

  it("pages through users in sign-up order, at most 100 a page", async () => {
    const first = await server.execute(UsersPage, { variables: { first: 1 } });
    expect(first.data?.users.edges.map((e) => e.node.handle)).toEqual(["alice"]);
    const next = await server.execute(UsersPage, {
      variables: { first: 1, after: first.data?.users.pageInfo.endCursor },
    });
    expect(next.data?.users.edges.map((e) => e.node.handle)).toEqual(["bob"]);
    expect(next.data?.users.pageInfo.hasNextPage).toBe(false);

    await server.db.prisma.user.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        handle: `bulk${i}`,
        email: `bulk${i}@x.test`,
        name: "b",
        passwordHash: "x",
      })),
    });
    const full = await server.execute(UsersPage, { variables: { first: 100 } });
    expect(full.data?.users.edges).toHaveLength(100);
    expect(full.data?.users.pageInfo.hasNextPage).toBe(true);
    // More than the maximum is refused, not cut (test/page-sizes.test.ts).
    const over = await server.execute(UsersPage, { variables: { first: 500 } });
    expect(errorCodes(over)).toEqual(["BAD_USER_INPUT"]);
    const unspecified = await server.execute(UsersPage, { variables: {} });
    expect(unspecified.data?.users.edges).toHaveLength(20);
  });

  it("resolves node and nodes by global id, of any type", async () => {
    const user = await server.execute(UserByHandle, { variables: { handle: "bob" } });
    const userId = user.data?.user?.id as string;
    const postId = (await createPost(server, bob.token, { title: "by node" })).id;
    const result = await server.execute(NodeLookup, { variables: { id: userId, ids: [postId, userId] } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.node).toEqual({ id: userId, handle: "bob" });
    expect(result.data?.nodes).toEqual([
      { id: postId, title: "by node" },
      { id: userId, handle: "bob" },
    ]);
  });
});
