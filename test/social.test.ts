import { describe, expect, it } from "vitest";
import { graphql } from "./gql/index.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const server = await useTestServer();
const alice = await signUpUser(server, "alice");
const bob = await signUpUser(server, "bob");
const carol = await signUpUser(server, "carol");

const LikePost = graphql(`
  mutation LikePost($input: LikePostInput!) {
    likePost(input: $input) {
      id
      likeCount
      viewerHasLiked
    }
  }
`);
const UnlikePost = graphql(`
  mutation UnlikePost($input: UnlikePostInput!) {
    unlikePost(input: $input) {
      id
      likeCount
      viewerHasLiked
    }
  }
`);
const FollowUser = graphql(`
  mutation FollowUser($input: FollowUserInput!) {
    followUser(input: $input) {
      handle
      followerCount
    }
  }
`);
const UnfollowUser = graphql(`
  mutation UnfollowUser($input: UnfollowUserInput!) {
    unfollowUser(input: $input) {
      handle
      followerCount
    }
  }
`);
const AddComment = graphql(`
  mutation AddComment($input: AddCommentInput!) {
    addComment(input: $input) {
      id
      body
      author {
        handle
      }
      post {
        id
        commentCount
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
    expect(twice.data?.likePost).toMatchObject({ likeCount: 1, viewerHasLiked: true });
    const byCarol = await server.execute(LikePost, { token: carol.token, variables: { input } });
    expect(byCarol.data?.likePost).toMatchObject({ likeCount: 2, viewerHasLiked: true });

    const unliked = await server.execute(UnlikePost, { token: bob.token, variables: { input } });
    expect(unliked.data?.unlikePost).toMatchObject({ likeCount: 1, viewerHasLiked: false });
    const unlikedAgain = await server.execute(UnlikePost, { token: bob.token, variables: { input } });
    expect(unlikedAgain.data?.unlikePost).toMatchObject({ likeCount: 1, viewerHasLiked: false });
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
    expect(followed.data?.followUser).toEqual({ handle: "alice", followerCount: 2 });
    const bobProfile = await server.execute(Profile, { variables: { handle: "bob" } });
    expect(bobProfile.data?.user).toMatchObject({ followingCount: 1, followerCount: 0 });

    const unfollowed = await server.execute(UnfollowUser, {
      token: bob.token,
      variables: { input: { handle: "alice" } },
    });
    expect(unfollowed.data?.unfollowUser).toEqual({ handle: "alice", followerCount: 1 });
  });

  it("refuses to follow yourself or an unknown handle", async () => {
    const self = await server.execute(FollowUser, { token: alice.token, variables: { input: { handle: "alice" } } });
    expect(errorCodes(self)).toEqual(["BAD_USER_INPUT"]);
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
    for (const [i, token] of [bob.token, carol.token, bob.token].entries()) {
      const added = await server.execute(AddComment, {
        token,
        variables: { input: { postId: post.id, body: `comment ${i}` } },
      });
      expect(added.data?.addComment.post?.commentCount).toBe(i + 1);
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
  });

  it("rejects an empty comment, an anonymous one, and one on a missing post", async () => {
    const post = await createPost(server, alice.token);
    const empty = await server.execute(AddComment, {
      token: bob.token,
      variables: { input: { postId: post.id, body: " " } },
    });
    expect(errorCodes(empty)).toEqual(["BAD_USER_INPUT"]);
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
