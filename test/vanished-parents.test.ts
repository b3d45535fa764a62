import { describe, expect, it } from "vitest";
import { deleteDuringRequest } from "./helpers/concurrent-delete.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

// A parent deleted while a page is being answered: the page's list was read before the delete,
// the edge to the parent after it (an edge its page reads in the same statement sees one state). That edge is null with a NOT_FOUND error at its path; the rest
// of the page is answered (not `data: null` with INTERNAL_SERVER_ERROR). The delete lands between
// the two reads by locks (helpers/concurrent-delete.ts), not by timing.

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const dbId = (globalId: string) => Number(Buffer.from(globalId, "base64").toString().split(":")[1]);

async function comment(token: string, postId: string, body: string): Promise<string> {
  const result = await server.execute<{ addComment: { comment: { id: string } } }, unknown>(
    `mutation ($postId: ID!, $body: String!) { addComment(input: { postId: $postId, body: $body }) { ... on AddCommentPayload { comment { id } } } }`,
    { token, variables: { postId, body } },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.addComment.comment.id;
}

describe("an edge whose parent is deleted during the request", () => {
  /** Two posts, by a user who stays and by one deleted while `query` runs: the answer, and who stays. */
  async function postsWhileAuthorLeaves(query: string) {
    const kept = await signUpUser(server);
    const leaving = await signUpUser(server);
    await createPost(server, kept.token, { title: "stays" });
    await createPost(server, leaving.token, { title: "goes" });
    const result = await deleteDuringRequest(
      server.url,
      { lockTable: "users", sql: "DELETE FROM users WHERE id = $1", values: [dbId(leaving.id)] },
      () =>
        server.execute<{ posts: { edges: { node: { title: string; author: { handle: string } | null } }[] } }, unknown>(
          query,
        ),
    );
    return { result, kept };
  }

  it("Post.author, read with its page: the deleted user's post is gone with them, the others are answered", async () => {
    // The page's statement reads the posts with their authors (Post.author joinsOne): one state, after the delete.
    const { result, kept } = await postsWhileAuthorLeaves(
      `{ posts(first: 2) { edges { node { title author { handle } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.posts.edges.map(({ node }) => node)).toEqual([
      { title: "stays", author: { handle: kept.handle } },
    ]);
  });

  it("Post.author, read by its loader: the post's author is null with NOT_FOUND, the other posts are answered", async () => {
    // `jobs` is more than columns: the authors are read by their loader, after the page.
    const { result } = await postsWhileAuthorLeaves(
      `{ posts(first: 2) { edges { node { title author { handle jobs(first: 1) { edges { cursor } } } } } } }`,
    );
    expect(result.data?.posts.edges.map(({ node }) => node.title)).toEqual(["goes", "stays"]);
    expect(result.data?.posts.edges[0]?.node.author).toBeNull();
    expect(
      result.errors?.find((error) => error.path?.join(".") === "posts.edges.0.node.author")?.extensions?.code,
    ).toBe("NOT_FOUND");
  });

  it("Comment.author, read with its page: the deleted user's comment is gone with them, the others are answered", async () => {
    const writer = await signUpUser(server);
    const stays = await signUpUser(server);
    const leaving = await signUpUser(server);
    const post = await createPost(server, writer.token);
    await comment(stays.token, post.id, "first");
    await comment(leaving.token, post.id, "second");
    // The page's statement reads the comments with their authors (Comment.author joinsOne): it waits on
    // the lock and then sees one state, the one after the delete, whose cascade took the comment too.
    const result = await deleteDuringRequest(
      server.url,
      { lockTable: "users", sql: "DELETE FROM users WHERE id = $1", values: [dbId(leaving.id)] },
      () =>
        server.execute<
          { node: { comments: { edges: { node: { body: string; author: { handle: string } | null } }[] } } },
          unknown
        >(
          `query ($id: ID!) { node(id: $id) { ... on Post { comments { edges { node { body author { handle } } } } } } }`,
          {
            variables: { id: post.id },
          },
        ),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.node.comments.edges.map(({ node }) => node)).toEqual([
      { body: "first", author: { handle: stays.handle } },
    ]);
  });

  it("Comment.post: the comment's post is null with NOT_FOUND, the other comments are answered", async () => {
    const writer = await signUpUser(server);
    const stays = await createPost(server, writer.token, { title: "stays" });
    const goes = await createPost(server, writer.token, { title: "goes" });
    const ids = [await comment(writer.token, stays.id, "on stays"), await comment(writer.token, goes.id, "on goes")];
    const result = await deleteDuringRequest(
      server.url,
      { lockTable: "posts", sql: "DELETE FROM posts WHERE id = $1", values: [dbId(goes.id)] },
      () =>
        server.execute<{ nodes: ({ body: string; post: { title: string } | null } | null)[] }, unknown>(
          `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Comment { body post { title } } } }`,
          { variables: { ids } },
        ),
    );
    expect(result.data?.nodes).toEqual([
      { body: "on stays", post: { title: "stays" } },
      { body: "on goes", post: null },
    ]);
    expect(result.errors?.map(({ extensions, path }) => ({ code: extensions?.code, path }))).toEqual([
      { code: "NOT_FOUND", path: ["nodes", 1, "post"] },
    ]);
  });
});
