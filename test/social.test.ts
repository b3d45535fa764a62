import { describe, expect, it } from "vitest";
import { graphql } from "./gql/index.ts";
import { answered, createPost, signUpUser } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const server = await useTestServer();
const alice = await signUpUser(server, "alice");
const bob = await signUpUser(server, "bob");
const carol = await signUpUser(server, "carol");

const LikePost = graphql(`
  mutation LikePost($input: LikePostInput!) {
    likePost(input: $input) {
      post {
        id
        likeCount
        viewerHasLiked
      }
    }
  }
`);
const UnlikePost = graphql(`
  mutation UnlikePost($input: UnlikePostInput!) {
    unlikePost(input: $input) {
      post {
        id
        likeCount
        viewerHasLiked
      }
    }
  }
`);
const FollowUser = graphql(`
  mutation FollowUser($input: FollowUserInput!) {
    followUser(input: $input) {
      __typename
      ... on FollowUserPayload {
        user {
          handle
          followerCount
        }
        viewer {
          handle
          followingCount
        }
      }
      ... on InputError {
        code
        message
        issues {
          path
          message
        }
      }
    }
  }
`);
const UnfollowUser = graphql(`
  mutation UnfollowUser($input: UnfollowUserInput!) {
    unfollowUser(input: $input) {
      user {
        handle
        followerCount
      }
      viewer {
        followingCount
      }
    }
  }
`);
const AddComment = graphql(`
  mutation AddComment($input: AddCommentInput!) {
    addComment(input: $input) {
      __typename
      ... on AddCommentPayload {
        comment {
          id
          body
          author {
            handle
          }
        }
        commentEdge {
          cursor
          node {
            id
          }
        }
        post {
          id
          commentCount
        }
      }
      ... on InputError {
        code
        issues {
          path
          message
        }
      }
    }
  }
`);
const PostComments = graphql(`
  query PostComments($id: ID!, $first: Int, $after: String) {
    post(id: $id) {
      commentCount
      comments(first: $first, after: $after) {
        edges {
          node {
            body
            author {
              handle
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);
const Profile = graphql(`
  query Profile($handle: String!) {
    user(handle: $handle) {
      handle
      followerCount
      followingCount
      postCount
    }
  }
`);

describe("likes", () => {
  it("counts likes per post and tells each viewer whether they like it; liking is idempotent", async () => {
    const post = await createPost(server, alice.token);
    const input = { postId: post.id };
    await server.execute(LikePost, { token: bob.token, variables: { input } });
    const twice = await server.execute(LikePost, { token: bob.token, variables: { input } });
    expect(twice.data?.likePost.post).toMatchObject({ likeCount: 1, viewerHasLiked: true });
    const byCarol = await server.execute(LikePost, { token: carol.token, variables: { input } });
    expect(byCarol.data?.likePost.post).toMatchObject({ likeCount: 2, viewerHasLiked: true });

    const unliked = await server.execute(UnlikePost, { token: bob.token, variables: { input } });
    expect(unliked.data?.unlikePost.post).toMatchObject({ likeCount: 1, viewerHasLiked: false });
    const unlikedAgain = await server.execute(UnlikePost, { token: bob.token, variables: { input } });
    expect(unlikedAgain.data?.unlikePost.post).toMatchObject({ likeCount: 1, viewerHasLiked: false });
  });

  it("removes a like made while the unlike waited on the post (a double tap queued behind another writer)", async () => {
    const post = await createPost(server, alice.token);
    const postId = Number(Buffer.from(post.id, "base64").toString().split(":")[1]);
    const holder = await server.db.pool.connect();
    const waiting = async (count: number) => {
      // Barrier: the like's and then the unlike's statement are both waiting on the post's lock.
      for (;;) {
        const { rows } = await server.db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if ((rows[0]?.n ?? 0) >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM posts WHERE id = $1 FOR NO KEY UPDATE", [postId]);
      const like = server.execute(LikePost, { token: carol.token, variables: { input: { postId: post.id } } });
      await waiting(1);
      const unlike = server.execute(UnlikePost, { token: carol.token, variables: { input: { postId: post.id } } });
      await waiting(2);
      await holder.query("COMMIT");
      expect((await like).data?.likePost.post).toMatchObject({ likeCount: 1, viewerHasLiked: true });
      expect((await unlike).data?.unlikePost.post).toMatchObject({ likeCount: 0, viewerHasLiked: false });
    } finally {
      holder.release();
    }
    const { rows } = await server.db.pool.query<{ likes: number; like_count: number }>(
      `SELECT (SELECT count(*)::int FROM likes WHERE post_id = $1) AS likes, like_count FROM posts WHERE id = $1`,
      [postId],
    );
    expect(rows).toEqual([{ likes: 0, like_count: 0 }]);
  });

  it("answers each of many simultaneous likes and unlikes with the count its own write left", async () => {
    const post = await createPost(server, alice.token);
    const input = { postId: post.id };
    const likers = await Promise.all(Array.from({ length: 12 }, (_, i) => signUpUser(server, `liker${i}`)));
    const likeCounts = async () =>
      (await Promise.all(likers.map((liker) => server.execute(LikePost, { token: liker.token, variables: { input } }))))
        .map((result) => result.data?.likePost.post.likeCount ?? 0)
        .sort((a, b) => a - b);
    const unlikeCounts = async () =>
      (
        await Promise.all(
          likers.map((liker) => server.execute(UnlikePost, { token: liker.token, variables: { input } })),
        )
      )
        .map((result) => result.data?.unlikePost.post.likeCount ?? 0)
        .sort((a, b) => a - b);
    // The writes queue on the post's row: each sees the count after the ones before it and its own.
    expect(await likeCounts()).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await unlikeCounts()).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("needs a viewer and an existing post", async () => {
    const post = await createPost(server, alice.token);
    const anonymous = await server.execute(LikePost, { variables: { input: { postId: post.id } } });
    expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    const missing = Buffer.from("Post:987654").toString("base64");
    const result = await server.execute(LikePost, { token: bob.token, variables: { input: { postId: missing } } });
    expect(errorCodes(result)).toEqual(["NOT_FOUND"]);
  });
});

describe("follows", () => {
  it("counts followers and following; following is idempotent; unfollowing undoes it", async () => {
    await server.execute(FollowUser, { token: bob.token, variables: { input: { handle: "alice" } } });
    await server.execute(FollowUser, { token: bob.token, variables: { input: { handle: "alice" } } });
    const followed = await server.execute(FollowUser, {
      token: carol.token,
      variables: { input: { handle: "alice" } },
    });
    expect(followed.data?.followUser).toEqual({
      __typename: "FollowUserPayload",
      user: { handle: "alice", followerCount: 2 },
      viewer: { handle: "carol", followingCount: 1 },
    });
    const bobProfile = await server.execute(Profile, { variables: { handle: "bob" } });
    expect(bobProfile.data?.user).toMatchObject({ followingCount: 1, followerCount: 0 });

    const unfollowed = await server.execute(UnfollowUser, {
      token: bob.token,
      variables: { input: { handle: "alice" } },
    });
    expect(unfollowed.data?.unfollowUser).toEqual({
      user: { handle: "alice", followerCount: 1 },
      viewer: { followingCount: 0 },
    });
  });

  it("refuses to follow yourself or an unknown handle", async () => {
    const self = await server.execute(FollowUser, { token: alice.token, variables: { input: { handle: "alice" } } });
    // An expected failure a form shows: data, not a GraphQL error.
    expect(self.errors).toBeUndefined();
    expect(self.data?.followUser).toEqual({
      __typename: "InputError",
      code: "BAD_USER_INPUT",
      message: "You cannot follow yourself",
      issues: [{ path: ["handle"], message: "You cannot follow yourself" }],
    });
    const unknown = await server.execute(FollowUser, {
      token: alice.token,
      variables: { input: { handle: "nobody" } },
    });
    expect(errorCodes(unknown)).toEqual(["NOT_FOUND"]);
  });
});

describe("comments", () => {
  it("adds comments in order, counts them and pages through them", async () => {
    const post = await createPost(server, alice.token);
    const cursors: string[] = [];
    for (const [i, token] of [bob.token, carol.token, bob.token].entries()) {
      const added = await server.execute(AddComment, {
        token,
        variables: { input: { postId: post.id, body: `comment ${i}` } },
      });
      const payload = answered(added.data?.addComment, "AddCommentPayload");
      expect(payload.post?.commentCount).toBe(i + 1);
      expect(payload.commentEdge.node.id).toBe(payload.comment.id);
      cursors.push(payload.commentEdge.cursor);
    }
    const firstPage = await server.execute(PostComments, { variables: { id: post.id, first: 2 } });
    expect(firstPage.data?.post?.commentCount).toBe(3);
    expect(firstPage.data?.post?.comments.edges.map((e) => [e.node.body, e.node.author?.handle])).toEqual([
      ["comment 0", "bob"],
      ["comment 1", "carol"],
    ]);
    const second = await server.execute(PostComments, {
      variables: { id: post.id, first: 2, after: firstPage.data?.post?.comments.pageInfo.endCursor },
    });
    expect(second.data?.post?.comments.edges.map((e) => e.node.body)).toEqual(["comment 2"]);
    expect(second.data?.post?.comments.pageInfo.hasNextPage).toBe(false);
    // The edge addComment answered is the edge the post's comments page shows: same cursor.
    expect(firstPage.data?.post?.comments.pageInfo.endCursor).toBe(cursors[1]);
  });

  it("answers each of many simultaneous comments with the count its own insert left", async () => {
    const post = await createPost(server, alice.token);
    const writers = await Promise.all(Array.from({ length: 12 }, (_, i) => signUpUser(server, `commenter${i}`)));
    const counts = (
      await Promise.all(
        writers.map((writer, i) =>
          server.execute(AddComment, { token: writer.token, variables: { input: { postId: post.id, body: `c${i}` } } }),
        ),
      )
    )
      .map((result) => answered(result.data?.addComment, "AddCommentPayload").post?.commentCount ?? 0)
      .sort((a, b) => a - b);
    // The inserts queue on the post's row: each sees the count after the ones before it and its own.
    expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it("answers each of many simultaneous posts with its author's count, and links every post to the tags they share", async () => {
    const writer = await signUpUser(server, "poster");
    const others = await Promise.all(Array.from({ length: 6 }, (_, i) => signUpUser(server, `coposter${i}`)));
    const CreatePost = `mutation ($title: String!) { createPost(input: { title: $title, body: "b", tags: ["Shared Now", "shared-later", "Shared Now"] }) {
      ... on CreatePostPayload { post { id author { handle postCount } } } } }`;
    const results = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) =>
        server.execute(CreatePost, { token: writer.token, variables: { title: `p${i}` } }),
      ),
      ...others.map((other, i) => server.execute(CreatePost, { token: other.token, variables: { title: `o${i}` } })),
    ]);
    type Created = { post: { id: string; author: { handle: string; postCount: number } } };
    const created = results.map((result) => {
      expect(result.errors).toBeUndefined();
      return (result.data as { createPost: Created }).createPost;
    });
    // The writer's posts queue on their row: each sees the count after the ones before it and its own.
    const counts = created
      .filter((each) => each.post.author.handle === "poster")
      .map((each) => each.post.author.postCount)
      .sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // One tag per slug, made once by whichever post came first, linked to all 18 posts, counted by its trigger.
    const ids = created.map((each) => Number(Buffer.from(each.post.id, "base64").toString().split(":")[1]));
    const { rows } = await server.db.pool.query<{ slug: string; name: string; linked: number; post_count: number }>(
      `SELECT t.slug, t.name, t.post_count, count(l."A")::int AS linked
       FROM tags t LEFT JOIN "_PostToTag" l ON l."B" = t.id AND l."A" = ANY($1::int[])
       WHERE t.slug IN ('shared-now', 'shared-later') GROUP BY t.id ORDER BY t.slug`,
      [ids],
    );
    expect(rows).toEqual([
      { slug: "shared-later", name: "shared-later", linked: 18, post_count: 18 },
      { slug: "shared-now", name: "Shared Now", linked: 18, post_count: 18 },
    ]);
  });

  it("rejects an empty comment, an anonymous one, and one on a missing post", async () => {
    const post = await createPost(server, alice.token);
    const empty = await server.execute(AddComment, {
      token: bob.token,
      variables: { input: { postId: post.id, body: " " } },
    });
    expect(empty.errors).toBeUndefined();
    expect(empty.data?.addComment).toEqual({
      __typename: "InputError",
      code: "BAD_USER_INPUT",
      issues: [{ path: ["body"], message: "must not be empty" }],
    });
    const anonymous = await server.execute(AddComment, { variables: { input: { postId: post.id, body: "hi" } } });
    expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    const missing = Buffer.from("Post:987654").toString("base64");
    const orphan = await server.execute(AddComment, {
      token: bob.token,
      variables: { input: { postId: missing, body: "hi" } },
    });
    expect(errorCodes(orphan)).toEqual(["NOT_FOUND"]);
  });
});
