import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { warmResponseCache } from "../src/cache/warm.ts";
import { graphql } from "./gql/index.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { freePort } from "./helpers/free-port.ts";
import { OwnRedis } from "./helpers/own-redis.ts";
import { TEST_REDIS_URL, useTestRedis } from "./helpers/redis.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";

// The response cache on a real Redis: hits cost no SQL, every kind of write is visible to the
// next read, private responses stay private, instances share invalidations, outages are harmless.

const { redis } = await useTestRedis();
const commandsAtStart = await keysCalls(redis);
const prefix = `test:rc:${process.pid}:${Date.now()}`;
const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL, CACHE_KEY_PREFIX: prefix });
const other = await useTestServer({ REDIS_URL: TEST_REDIS_URL, CACHE_KEY_PREFIX: prefix }, server.url);
const alice = await signUpUser(server, "alice");
const bob = await signUpUser(server, "bob");

async function keysCalls(client: Redis): Promise<number> {
  const stats = await client.info("commandstats");
  return Number(stats.match(/cmdstat_keys:calls=(\d+)/)?.[1] ?? 0);
}

const Feed = graphql(`
  query Feed {
    posts(first: 5) {
      edges {
        node {
          id
          title
          likeCount
          commentCount
          author {
            handle
            postCount
            followerCount
          }
          tags {
            slug
            postCount
          }
        }
      }
    }
  }
`);
const PostPage = graphql(`
  query PostPage($id: ID!) {
    post(id: $id) {
      title
      likeCount
      commentCount
      comments(first: 10) {
        edges {
          node {
            body
          }
        }
      }
    }
  }
`);
const Profile = graphql(`
  query CachedProfile($handle: String!) {
    user(handle: $handle) {
      handle
      followerCount
      followingCount
      postCount
      posts(first: 5) {
        edges {
          node {
            title
          }
        }
      }
    }
  }
`);
const Everyone = graphql(`
  query Everyone {
    users(first: 100) {
      edges {
        node {
          handle
        }
      }
    }
  }
`);
const Private = graphql(`
  query Private($id: ID!) {
    viewer {
      handle
      email
    }
    post(id: $id) {
      title
      viewerHasLiked
    }
  }
`);

const feedTitles = async (target: TestServer = server) =>
  (await target.execute(Feed)).data?.posts.edges.map((edge) => edge.node.title);

describe("response cache on Redis", () => {
  it("answers a repeated query from the cache with no SQL, with TTLs on the response and on its index keys", async () => {
    await createPost(server, alice.token, { title: "first", tags: ["graphql"] });
    const miss = await server.execute(Feed);
    expect(miss.headers.get("server-timing")).toContain('cache;desc="miss"');
    expect(miss.statements).toBeGreaterThan(0);
    const hit = await server.execute(Feed);
    expect(hit.headers.get("server-timing")).toContain('cache;desc="hit"');
    expect(hit.statements).toBe(0);
    expect(hit.data).toEqual(miss.data);

    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    expect(keys.some((key) => key.startsWith(`${prefix}:rc:r:`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${prefix}:rc:i:`))).toBe(true);
    for (const key of keys.filter((k) => !k.endsWith(":generation"))) {
      expect(await redis.ttl(key), key).toBeGreaterThan(0);
    }
  });

  it("answers a hit with the very bytes its miss sent, escapes and non-ASCII text included", async () => {
    await createPost(server, alice.token, {
      title: 'quotes " \\ back\\slash, tab\t, ünïcødé 速度 🚀',
      tags: ["bytes"],
    });
    const query = "query HitBytes { posts(first: 3) { edges { node { title body createdAt author { handle } } } } }";
    const send = () =>
      server.yoga.fetch("http://sokudo.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
        body: JSON.stringify({ query }),
      });
    const miss = await send();
    const missBody = await miss.text();
    const hit = await send();
    expect(hit.headers.get("server-timing")).toContain('cache;desc="hit"');
    expect(hit.headers.get("content-type")).toBe(miss.headers.get("content-type"));
    expect(hit.headers.get("etag")).toBeTruthy();
    expect(hit.headers.get("etag")).toBe(miss.headers.get("etag"));
    expect(hit.headers.get("last-modified")).toBe(miss.headers.get("last-modified"));
    expect(await hit.text()).toBe(missBody);
    expect(missBody).toContain("速度 🚀");
  });

  it("shows a created post in every list it joins and in its author's and tag's counts", async () => {
    await feedTitles();
    const profileBefore = await server.execute(Profile, { variables: { handle: "alice" } });
    await server.execute(Profile, { variables: { handle: "alice" } });
    await createPost(server, alice.token, { title: "second", tags: ["graphql"] });
    expect((await feedTitles())?.[0]).toBe("second");
    const profile = await server.execute(Profile, { variables: { handle: "alice" } });
    expect(profile.data?.user?.postCount).toBe((profileBefore.data?.user?.postCount ?? 0) + 1);
    expect(profile.data?.user?.posts.edges[0]?.node.title).toBe("second");
    const feed = await server.execute(Feed);
    expect(feed.data?.posts.edges[0]?.node.tags).toEqual([{ slug: "graphql", postCount: 2 }]);
  });

  it("shows an updated title and drops a deleted post", async () => {
    const post = await createPost(server, alice.token, { title: "draft" });
    expect(await feedTitles()).toContain("draft");
    await server.execute(
      graphql(`
        mutation Rename($input: UpdatePostInput!) {
          updatePost(input: $input) {
            __typename
            ... on UpdatePostPayload {
              post {
                id
              }
            }
          }
        }
      `),
      { token: alice.token, variables: { input: { id: post.id, title: "final" } } },
    );
    const titles = await feedTitles();
    expect(titles).toContain("final");
    expect(titles).not.toContain("draft");
    await server.execute(
      graphql(`
        mutation Remove($input: DeletePostInput!) {
          deletePost(input: $input) {
            deletedPostId
          }
        }
      `),
      {
        token: alice.token,
        variables: { input: { id: post.id } },
      },
    );
    expect(await feedTitles()).not.toContain("final");
  });

  it("shows a like, a comment and a follow right after the mutation answers", async () => {
    const post = await createPost(server, alice.token, { title: "popular" });
    const before = await server.execute(PostPage, { variables: { id: post.id } });
    expect(before.data?.post).toMatchObject({ likeCount: 0, commentCount: 0 });
    await server.execute(PostPage, { variables: { id: post.id } });

    await server.execute(
      graphql(`
        mutation Like($input: LikePostInput!) {
          likePost(input: $input) {
            post {
              id
            }
          }
        }
      `),
      {
        token: bob.token,
        variables: { input: { postId: post.id } },
      },
    );
    expect((await server.execute(PostPage, { variables: { id: post.id } })).data?.post?.likeCount).toBe(1);

    await server.execute(
      graphql(`
        mutation Comment($input: AddCommentInput!) {
          addComment(input: $input) {
            __typename
            ... on AddCommentPayload {
              comment {
                id
              }
            }
          }
        }
      `),
      { token: bob.token, variables: { input: { postId: post.id, body: "nice" } } },
    );
    const after = await server.execute(PostPage, { variables: { id: post.id } });
    expect(after.data?.post).toMatchObject({ commentCount: 1, comments: { edges: [{ node: { body: "nice" } }] } });

    const followers = async () =>
      (await server.execute(Profile, { variables: { handle: "alice" } })).data?.user?.followerCount;
    const count = await followers();
    await server.execute(
      graphql(`
        mutation Follow($input: FollowUserInput!) {
          followUser(input: $input) {
            __typename
            ... on FollowUserPayload {
              user {
                handle
              }
            }
          }
        }
      `),
      {
        token: bob.token,
        variables: { input: { handle: "alice" } },
      },
    );
    expect(await followers()).toBe((count ?? 0) + 1);
  });

  it("runs the mutation a multi-operation document's operationName selects, never answering it from the cache", async () => {
    const post = await createPost(server, alice.token, { title: "liked through a multi-operation document" });
    const document = `
      query Q { __typename }
      mutation Like($id: ID!) { likePost(input: { postId: $id }) { post { likeCount } } }
      mutation Unlike($id: ID!) { unlikePost(input: { postId: $id }) { post { likeCount } } }`;
    const send = (operationName: string) =>
      server.execute<
        { likePost?: { post: { likeCount: number } }; unlikePost?: { post: { likeCount: number } } },
        { id: string }
      >(document, { token: bob.token, operationName, variables: { id: post.id } });
    const counts: number[] = [];
    for (const name of ["Like", "Unlike", "Like"]) {
      const result = await send(name);
      expect(result.headers.get("server-timing")).not.toContain('cache;desc="hit"');
      counts.push((result.data?.likePost ?? result.data?.unlikePost)?.post.likeCount ?? -1);
    }
    expect(counts).toEqual([1, 0, 1]);
    const [row] = await server.db.prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM likes WHERE post_id = ${Number(Buffer.from(post.id, "base64").toString().split(":")[1])}`;
    expect(row?.count).toBe(1);
    // The query of the same document is still cached: the operation decides, not the document.
    await send("Q");
    expect((await send("Q")).headers.get("server-timing")).toContain('cache;desc="hit"');
  });

  it("shows a new user in the users list after signUp", async () => {
    const handles = async () => (await server.execute(Everyone)).data?.users.edges.map((edge) => edge.node.handle);
    expect(await handles()).not.toContain("carol");
    await signUpUser(server, "carol");
    expect(await handles()).toContain("carol");
  });

  it("never gives one viewer's private response to another, and does not cache anonymous private ones", async () => {
    const post = await createPost(server, alice.token, { title: "private test" });
    await server.execute(
      graphql(`
        mutation LikeIt($input: LikePostInput!) {
          likePost(input: $input) {
            post {
              id
            }
          }
        }
      `),
      {
        token: bob.token,
        variables: { input: { postId: post.id } },
      },
    );
    const asBob = await server.execute(Private, { token: bob.token, variables: { id: post.id } });
    const asBobAgain = await server.execute(Private, { token: bob.token, variables: { id: post.id } });
    expect(asBobAgain.headers.get("server-timing")).toContain('cache;desc="hit"');
    expect(asBobAgain.data).toEqual(asBob.data);
    expect(asBob.data).toMatchObject({
      viewer: { handle: "bob", email: "bob@example.test" },
      post: { viewerHasLiked: true },
    });

    const asAlice = await server.execute(Private, { token: alice.token, variables: { id: post.id } });
    expect(asAlice.data).toMatchObject({
      viewer: { handle: "alice", email: "alice@example.test" },
      post: { viewerHasLiked: false },
    });
    const anonymous = await server.execute(Private, { variables: { id: post.id } });
    expect(anonymous.data).toMatchObject({ viewer: null, post: { viewerHasLiked: false } });
    const anonymousAgain = await server.execute(Private, { variables: { id: post.id } });
    expect(anonymousAgain.statements).toBeGreaterThan(0);
  });

  it("shares public responses between viewers", async () => {
    await server.execute(Everyone, { token: alice.token });
    const asBob = await server.execute(Everyone, { token: bob.token });
    expect(asBob.headers.get("server-timing")).toContain('cache;desc="hit"');
  });

  it("lets two server instances on one Redis see each other's invalidations", async () => {
    await feedTitles(other);
    expect((await other.execute(Feed)).headers.get("server-timing")).toContain('cache;desc="hit"');
    await createPost(server, bob.token, { title: "from instance one" });
    expect((await feedTitles(other))?.[0]).toBe("from instance one");
  });

  it("answers If-None-Match with 304 for a cached response", async () => {
    const first = await server.yoga.fetch("http://sokudo.test/graphql?query=%7Btags%7Bslug%7D%7D", {
      headers: { accept: "application/json" },
    });
    await first.text();
    const second = await server.yoga.fetch("http://sokudo.test/graphql?query=%7Btags%7Bslug%7D%7D", {
      headers: { accept: "application/json" },
    });
    const etag = second.headers.get("etag");
    expect(etag).toBeTruthy();
    const revalidated = await server.yoga.fetch("http://sokudo.test/graphql?query=%7Btags%7Bslug%7D%7D", {
      headers: { accept: "application/json", "if-none-match": etag as string },
    });
    expect(revalidated.status).toBe(304);
  });

  it("is warmed at start: the first client request for a warm-up operation is a hit", async () => {
    const warmed = await warmResponseCache(
      server.yoga,
      new URL("../src/cache/warm-operations.graphql", import.meta.url).pathname,
    );
    expect(warmed).toEqual(["Tags", "LatestPosts"]);
    const first = await server.execute("query Tags{tags{id slug name postCount}}");
    expect(first.headers.get("server-timing")).toContain('cache;desc="hit"');
    expect(first.statements).toBe(0);
  });

  it("treats a stored entry it cannot read (another version's format) as a miss, not an error", async () => {
    const query = "query Unreadable { tags { slug } }";
    expect((await server.execute(query)).errors).toBeUndefined();
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:rc:r:*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const stored = (await redis.get(key)) ?? "";
      await redis.set(key, `${stored.slice(0, stored.indexOf("\n"))}\n{not json`, "KEEPTTL");
    }
    const again = await server.execute(query);
    expect(again.errors).toBeUndefined();
    expect(again.headers.get("server-timing")).not.toContain('cache;desc="hit"');
    expect((again.data as { tags: unknown[] } | undefined)?.tags.length).toBeGreaterThan(0);
  });

  it("never runs KEYS", async () => {
    expect(await keysCalls(redis)).toBe(commandsAtStart);
  });
});

const ownRedisPort = await freePort();

describe("with Redis stopped mid-test", () => {
  const own = new OwnRedis(ownRedisPort);
  afterAll(() => own.stop());

  it("keeps answering every request without errors or waiting, and caches again once Redis is back", async () => {
    await own.start();
    const target = await useTestServer({ REDIS_URL: own.url, REDIS_COMMAND_TIMEOUT_MS: "200" });
    const { token } = await signUpUser(target, "outage");
    await createPost(target, token, { title: "during outage" });
    await target.execute(Feed);
    expect((await target.execute(Feed)).headers.get("server-timing")).toContain('cache;desc="hit"');

    await own.stop();
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const result = await target.execute(Feed);
      expect(result.errors).toBeUndefined();
      expect(result.data?.posts.edges[0]?.node.title).toBe("during outage");
      expect(performance.now() - started).toBeLessThan(1_000);
    }
    const write = await createPost(target, token, { title: "written during outage" });
    expect(write.title).toBe("written during outage");
    expect((await target.execute(Feed)).data?.posts.edges[0]?.node.title).toBe("written during outage");

    await own.start();
    let hit = false;
    for (let attempt = 0; attempt < 50 && !hit; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await target.execute(Feed);
      hit = ((await target.execute(Feed)).headers.get("server-timing") ?? "").includes('cache;desc="hit"');
    }
    expect(hit).toBe(true);
  }, 60_000);
});

const pausedRedisPort = await freePort();

describe("with Redis unreachable for a while and back with its data", () => {
  const own = new OwnRedis(pausedRedisPort);
  afterAll(() => own.stop());

  it("never serves a response cached before an invalidation it could not apply", async () => {
    await own.start();
    const target = await useTestServer({ REDIS_URL: own.url, REDIS_COMMAND_TIMEOUT_MS: "200" });
    const { token } = await signUpUser(target, "gap");
    await createPost(target, token, { title: "before the gap" });
    await target.execute(Feed);
    expect((await target.execute(Feed)).headers.get("server-timing")).toContain('cache;desc="hit"');

    // Redis stops answering (its data stays): reads time out until the breaker opens and skips
    // Redis, so the post written now cannot invalidate the cached feed.
    own.pause();
    for (let i = 0; i < 4; i++) expect((await feedTitles(target))?.[0]).toBe("before the gap");
    await createPost(target, token, { title: "written in the gap" });
    own.resume();

    // Redis answers again, still holding the old feed: it must never be served.
    let hit = false;
    for (let attempt = 0; attempt < 60 && !hit; attempt++) {
      const feed = await target.execute(Feed);
      expect(feed.data?.posts.edges[0]?.node.title).toBe("written in the gap");
      hit = (feed.headers.get("server-timing") ?? "").includes('cache;desc="hit"');
      if (!hit) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(hit).toBe(true);
  }, 60_000);
});
