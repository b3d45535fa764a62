import { describe, expect, it } from "vitest";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

// A document may hold several operations; `operationName` picks the one to run, on every request.
// (graphql-jit's per-document compile cache once ran whichever operation it compiled first.)
const server = await useTestServer({ RESPONSE_CACHE: "off" });
const author = await signUpUser(server, "op_author");
const reader = await signUpUser(server, "op_reader");
const post = await createPost(server, author.token, { title: "one document, two operations" });
await server.execute(
  `mutation ($id: ID!) { addComment(input: { postId: $id, body: "first" }) { ... on AddCommentPayload { comment { id } } } }`,
  {
    variables: { id: post.id },
    token: reader.token,
  },
);

describe("a document with several operations", () => {
  it("runs the query operationName names, whichever ran first", async () => {
    const document = `
      fragment F on Post { author { handle } }
      query B($id: ID!) { post(id: $id) { ...F } }
      query A($id: ID!) { post(id: $id) { ...F author { name } } }`;
    const run = async (operationName: string) =>
      (
        await server.execute<{ post: { author: Record<string, string> } }, object>(document, {
          variables: { id: post.id },
          operationName,
        })
      ).data?.post.author;
    expect(await run("B")).toEqual({ handle: "op_author" });
    expect(await run("A")).toEqual({ handle: "op_author", name: expect.any(String) });
    expect(await run("B")).toEqual({ handle: "op_author" });
  });

  it("reads the columns each place selects when a fragment's field is merged with other siblings", async () => {
    // Comment authors are read with only the columns selected (schema/narrow-rows.ts).
    const document = `
      fragment F on Comment { author { handle } }
      query B { posts(first: 1) { edges { node { comments(first: 1) { edges { node { ...F } } } } } } }
      query A { posts(first: 1) { edges { node { comments(first: 1) { edges { node { ...F author { name } } } } } } } }`;
    type Data = { posts: { edges: { node: { comments: { edges: { node: { author: object } }[] } } }[] } };
    const run = async (operationName: string) => {
      const result = await server.execute<Data, object>(document, { operationName });
      expect(result.errors).toBeUndefined();
      return result.data?.posts.edges[0]?.node.comments.edges[0]?.node.author;
    };
    expect(await run("B")).toEqual({ handle: "op_reader" });
    expect(await run("A")).toEqual({ handle: "op_reader", name: expect.any(String) });
  });

  it("reads with the query and writes only with the mutation", async () => {
    const document = `
      query Read($id: ID!) { post(id: $id) { likeCount } }
      mutation Like($id: ID!) { likePost(input: { postId: $id }) { post { likeCount } } }`;
    const run = (operationName: string) =>
      server.execute<{ post?: { likeCount: number }; likePost?: { post: { likeCount: number } } }, object>(document, {
        variables: { id: post.id },
        token: reader.token,
        operationName,
      });
    expect((await run("Read")).data).toEqual({ post: { likeCount: 0 } });
    expect((await run("Like")).data).toEqual({ likePost: { post: { likeCount: 1 } } });
    expect((await run("Read")).data).toEqual({ post: { likeCount: 1 } });
  });
});
