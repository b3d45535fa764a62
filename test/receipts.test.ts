import { describe, expect, it } from "vitest";
import type { Receipt } from "../src/graphql/receipts.ts";
import { schema } from "../src/schema/index.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { TEST_REDIS_URL } from "./helpers/redis.ts";
import { useTestServer } from "./helpers/server.ts";
import { differenceOf, snapshotWorld } from "./helpers/world-snapshot.ts";

// Every mutation's response carries `extensions.changed` (src/graphql/receipts.ts): what its writes
// changed, from the write log that invalidates the response cache. Checked against what the API
// itself shows changed when everything is read again.

const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL, GRAPHQL_MAX_COST: "100000000" });
const alice = await signUpUser(server, "receipt_alice");
const bob = await signUpUser(server, "receipt_bob");
const bobsPost = await createPost(server, bob.token, { title: "Bob's", tags: ["receipts"] });
const alicesPost = await createPost(server, alice.token, { title: "Alice's", tags: ["receipts", "graphql"] });

interface Case {
  token?: string;
  document: string;
  variables?: Record<string, unknown>;
  /** The id the mutation names in its answer, and whether it must be in `nodes` or `deleted`. */
  named: (data: Record<string, unknown>) => { id: string; as: "nodes" | "deleted" };
  /** Receipt entries this mutation must hold whatever the re-read shows. */
  expected?: Partial<Record<"nodes" | "lists" | "deleted", string[]>>;
}

const returned = (field: string) => (data: Record<string, unknown>) => ({
  id: (data[field] as { id: string }).id,
  as: "nodes" as const,
});

// One case per mutation: the walk below fails for a mutation without one.
const cases: Record<string, () => Promise<Case>> = {
  signUp: async () => ({
    document: `mutation { signUp(input: { email: "carol@example.test", handle: "carol", name: "Carol", password: "correct horse" }) { token user { id } } }`,
    named: (data) => ({ id: (data.signUp as { user: { id: string } }).user.id, as: "nodes" }),
    expected: { lists: ["Query.users"] },
  }),
  logIn: async () => ({
    document: `mutation { logIn(input: { email: "receipt_alice@example.test", password: "correct horse" }) { user { id } } }`,
    named: (data) => ({ id: (data.logIn as { user: { id: string } }).user.id, as: "nodes" }),
  }),
  createPost: async () => ({
    token: alice.token,
    document: `mutation { createPost(input: { title: "New", body: "text", tags: ["receipts", "fresh"] }) { id } }`,
    named: returned("createPost"),
    expected: { nodes: [alice.id], lists: ["Query.posts", "Query.tags", `User.posts:${alice.id}`] },
  }),
  updatePost: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { updatePost(input: { id: $id, title: "Changed", tags: ["graphql"] }) { id } }`,
    variables: { id: alicesPost.id },
    named: returned("updatePost"),
    expected: { nodes: [alicesPost.id], lists: [`Post.tags:${alicesPost.id}`] },
  }),
  addComment: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { addComment(input: { postId: $id, body: "Nice" }) { id } }`,
    variables: { id: bobsPost.id },
    named: returned("addComment"),
    expected: { nodes: [bobsPost.id], lists: [`Post.comments:${bobsPost.id}`] },
  }),
  likePost: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { likePost(input: { postId: $id }) { id likeCount } }`,
    variables: { id: bobsPost.id },
    named: returned("likePost"),
  }),
  unlikePost: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { unlikePost(input: { postId: $id }) { id likeCount } }`,
    variables: { id: bobsPost.id },
    named: returned("unlikePost"),
  }),
  followUser: async () => ({
    token: alice.token,
    document: `mutation { followUser(input: { handle: "receipt_bob" }) { id followerCount } }`,
    named: returned("followUser"),
    expected: { nodes: [alice.id, bob.id] },
  }),
  unfollowUser: async () => ({
    token: alice.token,
    document: `mutation { unfollowUser(input: { handle: "receipt_bob" }) { id followerCount } }`,
    named: returned("unfollowUser"),
    expected: { nodes: [alice.id, bob.id] },
  }),
  requestActivityReport: async () => ({
    token: alice.token,
    document: `mutation { requestActivityReport(input: {}) { id } }`,
    named: returned("requestActivityReport"),
    expected: { lists: [`User.jobs:${alice.id}`] },
  }),
  deletePost: async () => {
    const doomed = await createPost(server, bob.token, { title: "Doomed", tags: ["receipts"] });
    await server.execute(`mutation($id: ID!) { addComment(input: { postId: $id, body: "bye" }) { id } }`, {
      token: alice.token,
      variables: { id: doomed.id },
    });
    return {
      token: bob.token,
      document: `mutation($id: ID!) { deletePost(input: { id: $id }) { deletedPostId } }`,
      variables: { id: doomed.id },
      named: (data) => ({ id: (data.deletePost as { deletedPostId: string }).deletedPostId, as: "deleted" }),
      expected: { deleted: [doomed.id], nodes: [bob.id], lists: ["Query.posts", `User.posts:${bob.id}`] },
    };
  },
};

describe("mutation receipts", () => {
  const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});

  it("has a case for every mutation of the schema", () => {
    expect(mutations.filter((name) => !(name in cases))).toEqual([]);
  });

  it.each(mutations)("%s: the receipt names everything a re-read shows changed", async (name) => {
    const mutation = await cases[name]?.();
    if (!mutation) throw new Error(`No case for mutation ${name}`);
    const before = await snapshotWorld(server, schema, alice.token);
    const response = await server.execute<Record<string, unknown>, unknown>(mutation.document, {
      token: mutation.token,
      variables: mutation.variables,
    });
    expect(response.errors).toBeUndefined();
    const after = await snapshotWorld(server, schema, alice.token);
    const receipt = response.extensions?.changed as Receipt;
    expect(receipt).toBeDefined();

    const named = mutation.named(response.data ?? {});
    if (name !== "logIn") expect(receipt[named.as]).toContain(named.id);
    for (const [key, ids] of Object.entries(mutation.expected ?? {})) {
      expect(receipt[key as keyof typeof mutation.expected]).toEqual(expect.arrayContaining(ids));
    }

    const difference = differenceOf(before, after);
    const coveredByType = (id: string) => receipt.types.includes(difference.typeOf(id));
    expect(difference.changed.filter((id) => !receipt.nodes.includes(id) && !coveredByType(id))).toEqual([]);
    expect(difference.created.filter((id) => !receipt.nodes.includes(id) && !coveredByType(id))).toEqual([]);
    expect(difference.deleted.filter((id) => !receipt.deleted.includes(id) && !coveredByType(id))).toEqual([]);
    const listed = (list: string) => receipt.lists.includes(list) || receipt.lists.includes(list.split(":")[0] ?? "");
    expect(difference.lists.filter((list) => !listed(list))).toEqual([]);
  });

  it("comes with a mutation when the response cache is off, and not with a query", async () => {
    const uncached = await useTestServer({ RESPONSE_CACHE: "off" }, server.url);
    const created = await uncached.execute<{ createPost: { id: string } }, unknown>(
      `mutation { createPost(input: { title: "Uncached", body: "b" }) { id } }`,
      { token: alice.token },
    );
    expect(created.extensions?.changed).toMatchObject({
      nodes: expect.arrayContaining([created.data?.createPost.id, alice.id]),
      lists: expect.arrayContaining(["Query.posts", `User.posts:${alice.id}`]),
    });
    const read = await uncached.execute(`{ posts(first: 1) { edges { node { id } } } }`);
    expect(read.extensions?.changed).toBeUndefined();
  });
});
