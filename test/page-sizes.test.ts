import { describe, expect, it } from "vitest";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const viewer = await signUpUser(server, "pager");
const postId = (await createPost(server, viewer.token, { title: "paged" })).id;

/** Every connection of the schema, with the page arguments spliced in. */
const CONNECTIONS = {
  "Query.users": (page: string) => `{ users(${page}) { edges { node { handle } } } }`,
  "Query.posts": (page: string) => `{ posts(${page}) { edges { node { title } } } }`,
  "User.posts": (page: string) => `{ user(handle: "pager") { posts(${page}) { edges { node { title } } } } }`,
  "Post.comments": (page: string) =>
    `{ node(id: "${postId}") { ... on Post { comments(${page}) { edges { node { body } } } } } }`,
  "User.jobs": (page: string) => `{ viewer { jobs(${page}) { edges { node { status } } } } }`,
};

describe("page sizes out of range are refused with a coded error naming the maximum", () => {
  for (const [field, query] of Object.entries(CONNECTIONS)) {
    it.each(["first: 101", "last: 101", "first: 1000", "first: -1", "last: -1"])(`${field}(%s)`, async (page) => {
      const result = await server.execute(query(page), { token: viewer.token });
      expect(result.data ?? null).toBeNull(); // refused before anything executes
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: page.split(":")[0],
        maximum: 100,
      });
      expect(result.errors?.[0]?.message).toMatch(/between 0 and 100/);
    });

    it(`${field} answers a page of the maximum size`, async () => {
      const result = await server.execute(query("first: 100"), { token: viewer.token });
      expect(result.errors).toBeUndefined();
    });
  }

  it("refuses the size given in a variable too", async () => {
    const result = await server.execute("query ($n: Int) { users(first: $n) { edges { node { handle } } } }", {
      variables: { n: 500 },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", maximum: 100 });
  });
});
