import { describe, expect, it } from "vitest";
import { collectWrites } from "../src/cache/write-log.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { TEST_REDIS_URL } from "./helpers/redis.ts";
import { useTestServer } from "./helpers/server.ts";

// Every write through the one Prisma client records what it changed, derived from the data model;
// mutations list nothing by hand, and the response cache invalidates exactly that.

const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL });
const { prisma } = server.db;
const alice = await signUpUser(server, "writer");
const aliceId = Number(Buffer.from(alice.id, "base64").toString().split(":")[1]);

describe("write log", () => {
  it("derives the entity, its root lists, its parents and related types from a create", async () => {
    const { result: post, changes } = await collectWrites(() =>
      prisma.post.create({
        data: { title: "t", body: "b", author: { connect: { id: aliceId } }, tags: { connectOrCreate: [] } },
        select: { title: true },
      }),
    );
    expect(changes).toEqual(
      expect.arrayContaining([
        { typename: "Post", id: (post as { id?: number }).id },
        { listOf: "Post" },
        { typename: "User", id: aliceId },
        { typename: "Tag" },
        { listOf: "Tag" },
      ]),
    );
  });

  it("records nothing for a write that changed nothing", async () => {
    const post = await prisma.post.create({ data: { title: "x", body: "y", authorId: aliceId } });
    const { changes } = await collectWrites(() =>
      prisma.like.deleteMany({ where: { userId: aliceId, postId: post.id } }),
    );
    expect(changes).toEqual([]);
    const liked = await collectWrites(() => prisma.like.createMany({ data: [{ userId: aliceId, postId: post.id }] }));
    expect(liked.changes).toEqual(
      expect.arrayContaining([
        { typename: "User", id: aliceId },
        { typename: "Post", id: post.id },
      ]),
    );
  });

  it("derives what a delete takes with it: parents, cascaded children, many-to-many partners", async () => {
    const post = await prisma.post.create({ data: { title: "gone", body: "b", authorId: aliceId } });
    const { changes } = await collectWrites(() =>
      prisma.post.delete({ where: { id: post.id }, select: { title: true } }),
    );
    expect(changes).toEqual(
      expect.arrayContaining([
        { typename: "Post", id: post.id },
        { listOf: "Post" },
        { typename: "User", id: aliceId },
        { typename: "Comment" },
        { typename: "Tag" },
      ]),
    );
  });

  it("refreshes a cached tag-filtered list when an update gives a post that tag", async () => {
    const post = await createPost(server, alice.token, { title: "untagged" });
    const tagged = async () =>
      (
        await server.execute<{ posts: { edges: { node: { title: string } }[] } }, unknown>(
          `{ posts(tag: "fresh", first: 5) { edges { node { title } } } }`,
        )
      ).data?.posts.edges.map((edge) => edge.node.title);
    expect(await tagged()).toEqual([]);
    expect(await tagged()).toEqual([]);
    await server.execute(`mutation($id: ID!) { updatePost(input: { id: $id, tags: ["fresh"] }) { id } }`, {
      token: alice.token,
      variables: { id: post.id },
    });
    expect(await tagged()).toEqual(["untagged"]);
  });
});
