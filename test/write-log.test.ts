import { describe, expect, it } from "vitest";
import {
  createMemoryResponseCacheBackend,
  createRedisResponseCacheBackend,
  type ResponseCacheBackend,
} from "../src/cache/response-cache-backend.ts";
import { stringBytes } from "../src/cache/store.ts";
import { collectWrites } from "../src/data/write-log.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { TEST_REDIS_URL, useTestRedis } from "./helpers/redis.ts";
import { useTestServer } from "./helpers/server.ts";

// Every write through the one Prisma client records what it changed, derived from the data model;
// mutations list nothing by hand, and the response cache invalidates exactly that.

const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL });
const { redis, prefix } = await useTestRedis();
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
        { typename: "Post", id: (post as { id?: number }).id, lists: ["tags"] },
        { listOf: "Post" },
        { typename: "User", id: aliceId, lists: ["posts"] },
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
        { typename: "User", id: aliceId, lists: ["likes"] },
        { typename: "Post", id: post.id, lists: ["likes"] },
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
        { typename: "Post", id: post.id, deleted: true },
        { listOf: "Post" },
        { typename: "User", id: aliceId, lists: ["posts"] },
        { typename: "Comment" },
        { typename: "Tag" },
      ]),
    );
  });

  it("records a write in every collection it runs inside (the response cache and the receipt both see it)", async () => {
    const outer = await collectWrites(async () => {
      const inner = await collectWrites(() =>
        prisma.post.create({ data: { title: "n", body: "b", authorId: aliceId } }),
      );
      return inner.changes;
    });
    expect(outer.result).toContainEqual({ listOf: "Post" });
    expect(outer.changes).toEqual(outer.result);
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
    await server.execute(
      `mutation($id: ID!) { updatePost(input: { id: $id, tags: ["fresh"] }) { ... on UpdatePostPayload { post { id } } } }`,
      {
        token: alice.token,
        variables: { id: post.id },
      },
    );
    expect(await tagged()).toEqual(["untagged"]);
  });

  it("takes a raw SQL write as a change to everything, and a raw read as none", async () => {
    const read = await collectWrites(() => prisma.$queryRaw`SELECT count(*) FROM posts WHERE author_id = ${aliceId}`);
    expect(read.changes).toEqual([]);
    const queued = await collectWrites(() => prisma.$queryRawUnsafe(`SELECT 1 AS updated`));
    expect(queued.changes).toEqual([]);
    const executed = await collectWrites(() => prisma.$executeRaw`UPDATE posts SET body = body WHERE id = 0`);
    expect(executed.changes).toEqual([{ everything: true }]);
    const returning = await collectWrites(() =>
      prisma.$queryRawUnsafe(
        `WITH changed AS (UPDATE posts SET body = body WHERE id = 0 RETURNING id) SELECT * FROM changed`,
      ),
    );
    expect(returning.changes).toEqual([{ everything: true }]);
  });
});

describe("the in-process response cache", () => {
  it("holds at most maxBytes of answers, the oldest out first, and refuses one larger than that", async () => {
    const answer = "a".repeat(1_000);
    const backend = createMemoryResponseCacheBackend({ maxBytes: 2 * stringBytes("r0", answer) });
    const { generation } = await backend.get("r0");
    for (const key of ["r0", "r1", "r2"])
      expect(await backend.set(key, answer, ["e:Post:1"], 60, generation)).toBe(true);
    expect((await backend.get("r0")).value).toBeNull();
    expect((await backend.get("r1")).value).toBe(answer);
    expect((await backend.get("r2")).value).toBe(answer);
    expect(await backend.set("big", "b".repeat(5_000), ["e:Post:1"], 60, generation)).toBe(false);
    expect((await backend.get("r2")).value).toBe(answer);
  });
});

describe("invalidating everything", () => {
  const backends: [string, () => ResponseCacheBackend][] = [
    ["memory", () => createMemoryResponseCacheBackend()],
    ["Redis", () => createRedisResponseCacheBackend(redis, { prefix: `${prefix}:all` })],
  ];
  for (const [name, create] of backends) {
    it(`makes every stored response stale and refuses responses computed before it (${name})`, async () => {
      const backend = create();
      const before = await backend.get("a");
      expect(await backend.set("a", "old", ["e:Post:1"], 60, before.generation)).toBe(true);
      const inFlight = await backend.get("b");
      await backend.invalidateAll();
      expect((await backend.get("a")).value).toBeNull();
      expect(await backend.set("b", "computed before", ["e:Post:2"], 60, inFlight.generation)).toBe(false);
      const after = await backend.get("a");
      expect(await backend.set("a", "new", ["e:Post:1"], 60, after.generation)).toBe(true);
      expect((await backend.get("a")).value).toBe("new");
    });
  }
});
