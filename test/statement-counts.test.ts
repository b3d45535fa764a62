import pg from "pg";
import { describe, expect, it } from "vitest";
import { seedDatabase } from "../prisma/seed.ts";
import { graphql } from "./gql/index.ts";
import { signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

// SQL statements per operation are the contract of "no N+1": counted on the wire (every
// pg client query of the request), asserted exactly, and unchanged when every page doubles.

const server = await useTestServer({ GRAPHQL_MAX_DEPTH: "15" });
const seeding = new pg.Client({ connectionString: server.url });
await seeding.connect();
await seedDatabase(seeding, { users: 120, posts: 3_000, comments: 30_000, likesPerPost: 3, followsPerUser: 4 });
await seeding.end();
const viewer = await signUpUser(server, "viewer");

const NestedList = graphql(`
  query NestedList($users: Int!, $posts: Int!, $comments: Int!) {
    users(first: $users) {
      edges {
        node {
          handle
          posts(first: $posts) {
            edges {
              node {
                title
                tags {
                  name
                }
                commentCount
                likeCount
                comments(first: $comments) {
                  edges {
                    node {
                      body
                      author {
                        handle
                      }
                    }
                  }
                }
              }
            }
          }
          followerCount
        }
      }
    }
  }
`);

const PostsForViewer = graphql(`
  query PostsForViewer($first: Int!) {
    posts(first: $first) {
      edges {
        node {
          title
          author {
            handle
          }
          tags {
            name
          }
          viewerHasLiked
        }
      }
    }
  }
`);

const TwoAliases = graphql(`
  query TwoAliases($users: Int!) {
    users(first: $users) {
      edges {
        node {
          latest: posts(first: 2) {
            edges {
              node {
                title
              }
            }
          }
          more: posts(first: 8) {
            edges {
              node {
                title
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      }
    }
  }
`);

const WithFragments = graphql(`
  query WithFragments($first: Int!) {
    posts(first: $first) {
      edges {
        node {
          ...PostCard
          ... on Post {
            author {
              handle
              followerCount
            }
            likeCount
          }
        }
      }
    }
  }
  fragment PostCard on Post {
    title
    commentCount
    author {
      name
      postCount
    }
  }
`);

const Nodes = graphql(`
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on User {
        handle
        postCount
      }
      ... on Post {
        title
        author {
          handle
        }
      }
    }
  }
`);

const everyStatementCount = async (run: () => Promise<{ statements: number; errors?: unknown }>) => {
  const result = await run();
  expect(result.errors).toBeUndefined();
  return result.statements;
};

describe("SQL statements per operation", () => {
  it("nested list users > posts > comments: 4 statements, also with every page doubled", async () => {
    const small = await server.execute(NestedList, { variables: { users: 50, posts: 10, comments: 10 } });
    expect(small.errors).toBeUndefined();
    const users = small.data?.users.edges ?? [];
    expect(users).toHaveLength(50);
    // The seed gives each user about 25 posts and each post about 10 comments: pages are full.
    expect(users.some((user) => user.node.posts.edges.length === 10)).toBe(true);
    expect(users.some((user) => user.node.posts.edges.some((post) => post.node.comments.edges.length === 10))).toBe(
      true,
    );
    // users, posts page, tags, comments page with their authors (commentCount, likeCount and
    // followerCount are counter columns of the rows already read)
    expect(small.statements).toBe(4);

    const doubled = await server.execute(NestedList, { variables: { users: 100, posts: 20, comments: 20 } });
    expect(doubled.errors).toBeUndefined();
    expect(doubled.data?.users.edges).toHaveLength(100);
    expect(doubled.statements).toBe(4);
  });

  it("posts with author, tags and viewerHasLiked for a logged-in viewer: 3 statements", async () => {
    const count = await everyStatementCount(() =>
      server.execute(PostsForViewer, { token: viewer.token, variables: { first: 50 } }),
    );
    // posts with their authors, tags, the viewer's likes among these posts
    expect(count).toBe(3);
    expect(
      await everyStatementCount(() =>
        server.execute(PostsForViewer, { token: viewer.token, variables: { first: 100 } }),
      ),
    ).toBe(3);
  });

  it("likePost and unlikePost with the post's author: 1 statement each (the write answers with the post and its author)", async () => {
    const post = "UG9zdDox"; // Post:1
    const like = `mutation { likePost(input: { postId: "${post}" }) { post { title likeCount author { handle } } } }`;
    const unlike = `mutation { unlikePost(input: { postId: "${post}" }) { post { title likeCount author { handle } } } }`;
    expect(await everyStatementCount(() => server.execute(like, { token: viewer.token }))).toBe(1);
    expect(await everyStatementCount(() => server.execute(unlike, { token: viewer.token }))).toBe(1);
  });

  it("addComment with its post and the post's author: 1 statement (the insert answers with them)", async () => {
    const post = "UG9zdDoy"; // Post:2
    const add = `mutation { addComment(input: { postId: "${post}", body: "counted" }) { ... on AddCommentPayload { comment { id body } commentEdge { cursor } post { commentCount author { handle } } } } }`;
    expect(await everyStatementCount(() => server.execute(add, { token: viewer.token }))).toBe(1);
  });

  it("createPost with new and existing tags and its author: 1 statement (the insert answers with the post and its author)", async () => {
    const create = `mutation { createPost(input: { title: "counted", body: "b", tags: ["counted-new", "counted-new-2"] }) { ... on CreatePostPayload { post { title author { handle postCount } } } } }`;
    expect(await everyStatementCount(() => server.execute(create, { token: viewer.token }))).toBe(1);
    expect(await everyStatementCount(() => server.execute(create, { token: viewer.token }))).toBe(1);
  });

  it("two aliases of posts with different first under each user: one statement per alias", async () => {
    const result = await server.execute(TwoAliases, { variables: { users: 50 } });
    expect(result.errors).toBeUndefined();
    const first = result.data?.users.edges[0]?.node;
    expect(first?.latest.edges).toHaveLength(2);
    expect(first?.more.edges).toHaveLength(8);
    expect(first?.more.edges.slice(0, 2)).toEqual(first?.latest.edges);
    // users, posts page (first 2), posts page (first 8)
    expect(result.statements).toBe(3);
    expect((await server.execute(TwoAliases, { variables: { users: 100 } })).statements).toBe(3);
  });

  it("fragments and inline fragments on the same type share one load per field", async () => {
    const result = await server.execute(WithFragments, { variables: { first: 50 } });
    expect(result.errors).toBeUndefined();
    // posts with their authors, both fragments' author fields in one join (the counts are columns of those rows)
    expect(result.statements).toBe(1);
    expect((await server.execute(WithFragments, { variables: { first: 100 } })).statements).toBe(1);
  });

  it("node lookups of many ids of two types: a bounded number of statements", async () => {
    const postIds = await server.db.prisma.post.findMany({ take: 40, select: { id: true } });
    const userIds = await server.db.prisma.user.findMany({ take: 40, select: { id: true } });
    const ids = [
      ...postIds.map((p) => Buffer.from(`Post:${p.id}`).toString("base64")),
      ...userIds.map((u) => Buffer.from(`User:${u.id}`).toString("base64")),
    ];
    const result = await server.execute(Nodes, { variables: { ids } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.nodes).toHaveLength(80);
    // posts by id, users by id, posts' authors (postCount is a column of the user rows)
    expect(result.statements).toBe(3);
    const half = await server.execute(Nodes, { variables: { ids: [...ids.slice(0, 20), ...ids.slice(40, 60)] } });
    expect(half.statements).toBe(3);
  });
});

const UserPosts = graphql(`
  query UserPosts($handle: String!, $first: Int!, $after: String) {
    user(handle: $handle) {
      postCount
      posts(first: $first, after: $after) {
        edges {
          node {
            title
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          endCursor
        }
      }
    }
  }
`);

describe("a parent with 10,000 children", () => {
  it("pages its newest posts correctly in 2 statements", async () => {
    const prolific = await signUpUser(server, "prolific");
    const id = Number(Buffer.from(prolific.id, "base64").toString().split(":")[1]);
    await server.db.pool.query(
      `INSERT INTO posts (author_id, title, body, updated_at) SELECT $1, 'p' || n, 'b', now() FROM generate_series(1, 10000) AS n`,
      [id],
    );
    const first = await server.execute(UserPosts, { variables: { handle: "prolific", first: 5 } });
    expect(first.errors).toBeUndefined();
    expect(first.data?.user?.postCount).toBe(10_000);
    expect(first.data?.user?.posts.edges.map((e) => e.node.title)).toEqual([
      "p10000",
      "p9999",
      "p9998",
      "p9997",
      "p9996",
    ]);
    expect(first.data?.user?.posts.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    // user (with its post_count column), posts page (LATERAL ... LIMIT 6: reads 6 rows, not 10,000)
    expect(first.statements).toBe(2);

    const next = await server.execute(UserPosts, {
      variables: { handle: "prolific", first: 3, after: first.data?.user?.posts.pageInfo.endCursor },
    });
    expect(next.data?.user?.posts.edges.map((e) => e.node.title)).toEqual(["p9995", "p9994", "p9993"]);
    expect(next.data?.user?.posts.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });
});
