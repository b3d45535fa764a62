import { describe, expect, it } from "vitest";
import type { PostsPageQuery } from "./gql/graphql.ts";
import { graphql } from "./gql/index.ts";
import { answered, CreatePost, createPost, signUpUser } from "./helpers/factories.ts";
import { errorCodes, type GraphQLResponse, useTestServer } from "./helpers/server.ts";

const server = await useTestServer();
const alice = await signUpUser(server, "alice");
const bob = await signUpUser(server, "bob");

const PostById = graphql(`
  query PostById($id: ID!) {
    post(id: $id) {
      id
      title
      body
      author {
        handle
      }
      tags {
        slug
        name
      }
      commentCount
      likeCount
      viewerHasLiked
    }
  }
`);

const UpdatePost = graphql(`
  mutation UpdatePost($input: UpdatePostInput!) {
    updatePost(input: $input) {
      __typename
      ... on UpdatePostPayload {
        post {
          id
          title
          body
          tags {
            slug
          }
          updatedAt
        }
      }
      ... on InputError {
        issues {
          path
          message
        }
      }
    }
  }
`);

const CreatePostWithEdge = graphql(`
  mutation CreatePostWithEdge($input: CreatePostInput!) {
    createPost(input: $input) {
      __typename
      ... on CreatePostPayload {
        post {
          id
        }
        postEdge {
          cursor
          node {
            id
            title
          }
        }
        viewer {
          handle
          postCount
        }
      }
    }
  }
`);

const DeletePost = graphql(`
  mutation DeletePost($input: DeletePostInput!) {
    deletePost(input: $input) {
      deletedPostId
      viewer {
        postCount
      }
    }
  }
`);

const PostsPage = graphql(`
  query PostsPage($first: Int, $after: String, $tag: String) {
    posts(first: $first, after: $after, tag: $tag) {
      edges {
        cursor
        node {
          title
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

const Tags = graphql(`
  query Tags {
    tags {
      slug
      name
      postCount
    }
  }
`);

describe("posts", () => {
  it("creates a post with tags, creating each tag once and reusing it after", async () => {
    const first = await createPost(server, alice.token, { title: "Hello", tags: ["GraphQL", "Node.js", "graphql"] });
    expect(first).toMatchObject({ title: "Hello", author: { handle: "alice" } });
    expect(first.tags).toEqual([
      { slug: "graphql", name: "GraphQL" },
      { slug: "node-js", name: "Node.js" },
    ]);
    await createPost(server, bob.token, { title: "Again", tags: ["GraphQL"] });
    const tags = await server.execute(Tags);
    expect(tags.data?.tags).toEqual([
      { slug: "graphql", name: "GraphQL", postCount: 2 },
      { slug: "node-js", name: "Node.js", postCount: 1 },
    ]);
  });

  it("reads a post by its global id and gives NOT_FOUND for a missing one, BAD_USER_INPUT for a malformed one", async () => {
    const post = await createPost(server, alice.token, { title: "Readable" });
    const found = await server.execute(PostById, { variables: { id: post.id } });
    expect(found.data?.post).toMatchObject({
      id: post.id,
      title: "Readable",
      commentCount: 0,
      likeCount: 0,
      viewerHasLiked: false,
    });

    const missing = Buffer.from("Post:999999").toString("base64");
    const notFound = await server.execute(PostById, { variables: { id: missing } });
    expect(notFound.data?.post).toBeNull();
    expect(errorCodes(notFound)).toEqual(["NOT_FOUND"]);

    for (const bad of [
      "nonsense",
      Buffer.from("User:1").toString("base64"),
      Buffer.from("Post:abc").toString("base64"),
    ]) {
      const result = await server.execute(PostById, { variables: { id: bad } });
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    }
  });

  it("needs a logged-in viewer to write", async () => {
    const result = await server.execute(CreatePost, { variables: { input: { title: "t", body: "b" } } });
    expect(errorCodes(result)).toEqual(["UNAUTHENTICATED"]);
    expect(await server.db.prisma.post.count({ where: { title: "t" } })).toBe(0);
  });

  it.each([
    ["an empty title", { title: "  ", body: "b" }, "title"],
    ["an over-long title", { title: "x".repeat(201), body: "b" }, "title"],
    ["an empty body", { title: "t", body: "" }, "body"],
    ["too many tags", { title: "t", body: "b", tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags"],
  ])("answers %s with an InputError at its field: data, no GraphQL error", async (_case, input, field) => {
    const result = await server.execute(CreatePost, { token: alice.token, variables: { input } });
    expect(result.errors).toBeUndefined();
    const error = answered(result.data?.createPost, "InputError");
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.issues.map((issue) => issue.path)).toEqual([[field]]);
    expect(error.message).toContain(field);
  });

  it('answers an empty title with InputError issues at path ["title"], and every invalid field at once', async () => {
    const result = await server.execute(CreatePost, {
      token: alice.token,
      variables: { input: { title: "", body: "" } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createPost).toEqual({
      __typename: "InputError",
      code: "BAD_USER_INPUT",
      message: "title: must not be empty; body: must not be empty",
      issues: [
        { path: ["title"], message: "must not be empty" },
        { path: ["body"], message: "must not be empty" },
      ],
    });
    expect(await server.db.prisma.post.count({ where: { title: "" } })).toBe(0);
  });

  it("answers the new post's edge in the viewer's posts: its cursor pages on from it, and the viewer's postCount", async () => {
    const viewer = await signUpUser(server, "edge_author");
    for (let i = 1; i <= 3; i++) await createPost(server, viewer.token, { title: `older-${i}` });
    const result = await server.execute(CreatePostWithEdge, {
      token: viewer.token,
      variables: { input: { title: "newest", body: "b" } },
    });
    const payload = answered(result.data?.createPost, "CreatePostPayload");
    expect(payload.postEdge.node).toEqual({ id: payload.post.id, title: "newest" });
    expect(payload.viewer).toEqual({ handle: "edge_author", postCount: 4 });
    // The edge goes first in the viewer's posts (newest first): it is the first page's first edge...
    const firstPage = await server.execute<
      { user: { posts: { edges: { cursor: string; node: { title: string } }[] } } },
      object
    >(`{ user(handle: "edge_author") { posts(first: 1) { edges { cursor node { title } } } } }`);
    expect(firstPage.data?.user.posts.edges).toEqual([{ cursor: payload.postEdge.cursor, node: { title: "newest" } }]);
    // ...and paging after its cursor gives the rest, in order.
    const rest = await server.execute<{ user: { posts: { edges: { node: { title: string } }[] } } }, object>(
      `{ user(handle: "edge_author") { posts(first: 10, after: "${payload.postEdge.cursor}") { edges { node { title } } } } }`,
    );
    expect(rest.data?.user.posts.edges.map((edge) => edge.node.title)).toEqual(["older-3", "older-2", "older-1"]);
  });

  it("lets the author update title, body and tags; updatedAt moves", async () => {
    const post = await createPost(server, alice.token, { title: "Draft", tags: ["one"] });
    const before = await server.db.prisma.post.findFirstOrThrow({ where: { title: "Draft" } });
    const result = await server.execute(UpdatePost, {
      token: alice.token,
      variables: { input: { id: post.id, title: "Final", tags: ["two", "three"] } },
    });
    expect(result.errors).toBeUndefined();
    const updated = answered(result.data?.updatePost, "UpdatePostPayload").post;
    expect(updated).toMatchObject({
      title: "Final",
      body: "A body",
      tags: [{ slug: "three" }, { slug: "two" }],
    });
    expect(new Date(updated.updatedAt).getTime()).toBeGreaterThan(before.updatedAt.getTime());
    const invalid = await server.execute(UpdatePost, {
      token: alice.token,
      variables: { input: { id: post.id, body: " " } },
    });
    expect(invalid.data?.updatePost).toEqual({
      __typename: "InputError",
      issues: [{ path: ["body"], message: "must not be empty" }],
    });
  });

  it("forbids anyone but the author to update or delete, and changes nothing", async () => {
    const post = await createPost(server, alice.token, { title: "Mine" });
    const update = await server.execute(UpdatePost, {
      token: bob.token,
      variables: { input: { id: post.id, title: "Stolen" } },
    });
    expect(errorCodes(update)).toEqual(["FORBIDDEN"]);
    const remove = await server.execute(DeletePost, { token: bob.token, variables: { input: { id: post.id } } });
    expect(errorCodes(remove)).toEqual(["FORBIDDEN"]);
    const still = await server.execute(PostById, { variables: { id: post.id } });
    expect(still.data?.post?.title).toBe("Mine");
  });

  it("lets the author delete; the post is then NOT_FOUND", async () => {
    const post = await createPost(server, alice.token, { title: "Doomed" });
    const removed = await server.execute(DeletePost, { token: alice.token, variables: { input: { id: post.id } } });
    expect(removed.data?.deletePost.deletedPostId).toBe(post.id);
    expect(removed.data?.deletePost.viewer.postCount).toBe(
      await server.db.prisma.post.count({ where: { author: { handle: "alice" } } }),
    );
    const gone = await server.execute(PostById, { variables: { id: post.id } });
    expect(errorCodes(gone)).toEqual(["NOT_FOUND"]);
    const again = await server.execute(DeletePost, { token: alice.token, variables: { input: { id: post.id } } });
    expect(errorCodes(again)).toEqual(["NOT_FOUND"]);
  });
});

describe("posts pagination", () => {
  it("pages newest first with cursors, covering every post once", async () => {
    const token = (await signUpUser(server, "pager")).token;
    for (let i = 1; i <= 7; i++) await createPost(server, token, { title: `page-${i}`, tags: ["paging"] });
    const titles: string[] = [];
    let after: string | null | undefined = null;
    let pages = 0;
    for (;;) {
      const page: GraphQLResponse<PostsPageQuery> = await server.execute(PostsPage, {
        variables: { first: 3, after, tag: "paging" },
      });
      const connection = page.data?.posts;
      if (!connection) throw new Error(JSON.stringify(page.errors));
      titles.push(...connection.edges.map((edge) => edge.node.title));
      pages++;
      expect(connection.pageInfo.hasPreviousPage).toBe(pages > 1);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(titles).toEqual(["page-7", "page-6", "page-5", "page-4", "page-3", "page-2", "page-1"]);
  });

  it("pages a tag's posts forwards and backwards, skipping posts without the tag", async () => {
    const token = (await signUpUser(server, "tag_pager")).token;
    for (let i = 1; i <= 9; i++) {
      await createPost(server, token, { title: `mixed-${i}`, tags: i % 3 === 0 ? ["other"] : ["mixed"] });
    }
    type Page = { edges: { cursor: string; node: { title: string } }[]; pageInfo: { hasNextPage: boolean } };
    const page = async (args: string) => {
      const result = await server.execute<{ posts: Page }, object>(
        `{ posts(tag: "mixed", ${args}) { edges { cursor node { title } } pageInfo { hasNextPage } } }`,
      );
      if (!result.data) throw new Error(JSON.stringify(result.errors));
      return result.data.posts;
    };
    const titles = (connection: Page) => connection.edges.map((edge) => edge.node.title);
    const first = await page("first: 4");
    expect(titles(first)).toEqual(["mixed-8", "mixed-7", "mixed-5", "mixed-4"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await page(`first: 4, after: "${first.edges.at(-1)?.cursor}"`);
    expect(titles(next)).toEqual(["mixed-2", "mixed-1"]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    const before = await page(`last: 3, before: "${next.edges[0]?.cursor}"`);
    expect(titles(before)).toEqual(["mixed-7", "mixed-5", "mixed-4"]);
    const unknown = await server.execute<{ posts: Page }, object>(
      `{ posts(tag: "nope", first: 3) { edges { cursor } } }`,
    );
    expect(unknown.data?.posts.edges).toEqual([]);
  });

  it("pages a user's posts (a nested connection) forwards and backwards, with Relay page info", async () => {
    const token = (await signUpUser(server, "nested_pager")).token;
    for (let i = 1; i <= 5; i++) await createPost(server, token, { title: `nested-${i}` });
    type Page = {
      edges: { cursor: string; node: { title: string } }[];
      pageInfo: { startCursor: string; endCursor: string; hasNextPage: boolean; hasPreviousPage: boolean };
    };
    const page = async (args: string) => {
      const result = await server.execute<{ user: { posts: Page } }, object>(
        `{ user(handle: "nested_pager") { posts(${args}) { edges { cursor node { title } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } } }`,
      );
      if (!result.data) throw new Error(JSON.stringify(result.errors));
      return result.data.user.posts;
    };
    const titles = (connection: Page) => connection.edges.map((edge) => edge.node.title);
    const first = await page("first: 2");
    expect(titles(first)).toEqual(["nested-5", "nested-4"]);
    expect(first.pageInfo).toEqual({
      startCursor: first.edges[0]?.cursor,
      endCursor: first.edges[1]?.cursor,
      hasNextPage: true,
      hasPreviousPage: false,
    });
    const next = await page(`first: 2, after: "${first.pageInfo.endCursor}"`);
    expect(titles(next)).toEqual(["nested-3", "nested-2"]);
    expect(next.pageInfo.hasPreviousPage).toBe(true);
    const last = await page(`first: 2, after: "${next.pageInfo.endCursor}"`);
    expect(titles(last)).toEqual(["nested-1"]);
    expect(last.pageInfo.hasNextPage).toBe(false);
    const back = await page(`last: 2, before: "${last.pageInfo.startCursor}"`);
    expect(titles(back)).toEqual(["nested-3", "nested-2"]);
    expect(back.pageInfo.hasPreviousPage).toBe(true);
    const beyond = await page(`first: 2, after: "${last.pageInfo.endCursor}"`);
    expect(beyond.edges).toEqual([]);
    // An empty page's cursors are the cursor it was asked from.
    expect(beyond.pageInfo).toMatchObject({ startCursor: last.pageInfo.endCursor, endCursor: last.pageInfo.endCursor });
  });

  it("rejects a negative first or a malformed cursor", async () => {
    const negative = await server.execute(PostsPage, { variables: { first: -1 } });
    expect(errorCodes(negative)).toEqual(["BAD_USER_INPUT"]);
    const badCursor = await server.execute(PostsPage, { variables: { first: 2, after: "garbage" } });
    expect(errorCodes(badCursor)).toEqual(["BAD_USER_INPUT"]);
  });
});
