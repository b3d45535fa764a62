import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCacheAside } from "../src/cache/cache-aside.ts";
import { createRedisResponseCacheBackend } from "../src/cache/response-cache-backend.ts";
import { createRedisStore } from "../src/cache/store.ts";
import { loadConfig } from "../src/config.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { OwnRedisCluster } from "./helpers/own-redis-cluster.ts";
import { errorCodes, type GraphQLResponse, type TestServer, useTestServer } from "./helpers/server.ts";

// Two Sokudo instances on one database and one Redis Cluster of this file's own (3 masters, no
// replicas): they share the response cache, its invalidations and the rate limits, every script
// touching keys of one slot; a master that stops answering costs the cache, never an answer.

const cluster = await OwnRedisCluster.create(3);
await cluster.start();
afterAll(() => cluster.stop());

const prefix = `test:cluster:${process.pid}`;
const env = {
  REDIS_CLUSTER_NODES: cluster.nodes,
  CACHE_KEY_PREFIX: prefix,
  REDIS_COMMAND_TIMEOUT_MS: "200",
  RATE_LIMIT_LOGIN_ACCOUNT: "3/15m",
};
const first = await useTestServer(env);
const second = await useTestServer(env, first.url);
const author = await signUpUser(first, "cluster_author");

interface Feed {
  posts: { edges: { node: { id: string; title: string; likeCount: number } }[] };
}
const FEED = `query ClusterFeed { posts(first: 5) { edges { node { id title likeCount } } } }`;
const readFeed = (server: TestServer) => server.execute<Feed, Record<string, never>>(FEED);
const isHit = (response: GraphQLResponse<unknown>) =>
  (response.headers.get("server-timing") ?? "").includes('cache;desc="hit"');
const titles = (response: GraphQLResponse<Feed>) => response.data?.posts.edges.map(({ node }) => node.title);

/** Waits until `server` answers a query of its own from the cache: its cluster client is connected. */
async function untilCaching(server: TestServer, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (isHit(await server.execute(`query ${name} { __typename }`))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name}: the response cache never answered`);
}

async function cacheOutages(server: TestServer): Promise<number> {
  const text = await (await server.yoga.fetch("http://sokudo.test/metrics")).text();
  return Number(/^sokudo_cache_outages (\d+)$/m.exec(text)?.[1]);
}

await untilCaching(first, "WarmFirst");
await untilCaching(second, "WarmSecond");

describe("REDIS_CLUSTER_NODES", () => {
  it("reads comma-separated host:port seed nodes", () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:6379, redis-b.internal:7000,[::1]:6380" }).redis).toMatchObject({
      url: undefined,
      clusterNodes: [
        { host: "10.0.0.1", port: 6379 },
        { host: "redis-b.internal", port: 7000 },
        { host: "::1", port: 6380 },
      ],
    });
    expect(loadConfig({}).redis.clusterNodes).toBeUndefined();
  });

  it("refuses a malformed list naming the variable, and REDIS_URL beside it", () => {
    for (const value of ["10.0.0.1", "host:0", "host:65536", "a:1,,b:2", "redis://a:6379"]) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: value }), value).toThrow(/REDIS_CLUSTER_NODES.*host:port/);
    }
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: "a:6379", REDIS_URL: "redis://b:6379" })).toThrow(
      /REDIS_CLUSTER_NODES: not together with REDIS_URL/,
    );
  });
});

describe("two instances on one Redis Cluster", () => {
  it("share the response cache: what one stored is a hit on the other, with no SQL", async () => {
    await createPost(first, author.token, { title: "shared through the cluster" });
    const miss = await readFeed(first);
    expect(isHit(miss)).toBe(false);
    const hit = await readFeed(second);
    expect(isHit(hit)).toBe(true);
    expect(hit.statements).toBe(0);
    expect(titles(hit)?.[0]).toBe("shared through the cluster");
  });

  it("share invalidations: a write through one is read fresh through the other", async () => {
    await readFeed(second);
    expect(isHit(await readFeed(second))).toBe(true);
    await createPost(first, author.token, { title: "written through the first" });
    const fresh = await readFeed(second);
    expect(isHit(fresh)).toBe(false);
    expect(titles(fresh)?.[0]).toBe("written through the first");
  });

  it("count the logIn limit of an account across both", async () => {
    const { handle } = await signUpUser(first, "cluster_throttled");
    const logIn = (server: TestServer, password: string) =>
      server.execute(
        `mutation { logIn(input: { email: "${handle}@example.test", password: "${password}" }) { token } }`,
      );
    expect(errorCodes(await logIn(first, "wrong"))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await logIn(second, "wrong"))).toEqual(["UNAUTHENTICATED"]);
    expect(errorCodes(await logIn(first, "wrong"))).toEqual(["UNAUTHENTICATED"]);
    const refused = await logIn(second, "correct horse");
    expect(refused.status).toBe(429);
    expect(errorCodes(refused)).toEqual(["RATE_LIMITED"]);
  });

  it("keep every key of the response cache in one hash slot, and never fail a command (no CROSSSLOT)", async () => {
    const keys = await cluster.keys(`*${prefix}:rc*`);
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.every((key) => key.startsWith(`{${prefix}:rc}:`))).toBe(true);
    const slots = new Set(await Promise.all(keys.map((key) => cluster.slotOf(key))));
    expect(slots.size).toBe(1);
    // Rate-limit counters spread over the cluster: one slot per limited key, both windows in it.
    expect((await cluster.keys(`${prefix}:rl:*`)).length).toBeGreaterThan(0);
    expect(await cacheOutages(first)).toBe(0);
    expect(await cacheOutages(second)).toBe(0);
  });
});

describe("the Redis stores on any cluster client", () => {
  const client = new Cluster(cluster.ports.map((port) => ({ host: "127.0.0.1", port })));
  afterAll(() => client.quit());
  beforeAll(() => (client.status === "ready" ? undefined : new Promise((resolve) => client.once("ready", resolve))));

  it("cache-aside deletes keys of different slots at once", async () => {
    const cache = createCacheAside(createRedisStore(client, { prefix: `${prefix}:direct:kv` }), "upstream");
    const [one, two] = ["reputation:1", "reputation:2"];
    expect(await cluster.slotOf(`${prefix}:direct:kv:upstream:${one}`)).not.toBe(
      await cluster.slotOf(`${prefix}:direct:kv:upstream:${two}`),
    );
    for (const key of [one, two]) await cache.getOrLoad(key, 60, async () => key);
    expect((await cache.getOrLoad(one, 60, async () => "reloaded")).hit).toBe(true);
    await cache.delete([one, two]);
    for (const key of [one, two])
      expect(await cache.getOrLoad(key, 60, async () => "reloaded")).toEqual({
        value: "reloaded",
        hit: false,
      });
  });

  it("the response-cache backend stores, reads and invalidates under several indexes", async () => {
    const backend = createRedisResponseCacheBackend(client, { prefix: `${prefix}:direct:rc` });
    const { generation } = await backend.get("answer");
    expect(await backend.set("answer", "{}", ["t:Post", "e:Post:1", "e:User:2"], 60, generation)).toBe(true);
    expect((await backend.get("answer")).value).toBe("{}");
    expect(await backend.invalidate(["e:Post:1", "q:posts"])).toBe(1);
    expect((await backend.get("answer")).value).toBeNull();
    // Computed before that invalidation: not stored.
    expect(await backend.set("answer", "{}", ["e:Post:1"], 60, generation)).toBe(false);
    await backend.invalidateAll();
    expect(backend.outages).toBe(0);
  });
});

describe("with the master of the response cache frozen, then back with its data", () => {
  it("answers every request uncached meanwhile, and never serves what a write in the gap made stale", async () => {
    const master = await cluster.masterOf(`{${prefix}:rc}`);
    await readFeed(first);
    expect(isHit(await readFeed(second))).toBe(true);

    cluster.pauseNode(master);
    for (const server of [first, second, first, second]) {
      const answer = await readFeed(server);
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
      expect(isHit(answer)).toBe(false);
    }
    // The invalidation of this write cannot reach the frozen master, which still holds the old feed.
    await createPost(first, author.token, { title: "written while frozen" });
    // The other masters see the frozen one as failed after the node timeout: the whole cluster refuses.
    await cluster.untilState(cluster.ports.find((port) => port !== master) as number, "fail");
    const refusedEverywhere = await readFeed(second);
    expect(refusedEverywhere.status).toBe(200);
    expect(titles(refusedEverywhere)?.[0]).toBe("written while frozen");

    cluster.resumeNode(master);
    await Promise.all(cluster.ports.map((port) => cluster.untilState(port, "ok")));
    let hit = false;
    for (let attempt = 0; attempt < 60 && !hit; attempt++) {
      const feed = await readFeed(first);
      expect(titles(feed)?.[0]).toBe("written while frozen");
      hit = isHit(feed);
      if (!hit) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(hit).toBe(true);
    expect(titles(await readFeed(second))?.[0]).toBe("written while frozen");
  }, 60_000);
});

describe("with one master stopped for good", () => {
  it("answers reads, writes and logIn without a 5xx or an internal error", async () => {
    await readFeed(second);
    expect(isHit(await readFeed(first))).toBe(true);
    const [stopped = 0, survivor = 0] = cluster.ports;
    await cluster.stopNode(stopped);
    await cluster.untilState(survivor, "fail");
    for (const server of [first, second]) {
      const feed = await readFeed(server);
      expect(feed.status).toBe(200);
      expect(feed.errors).toBeUndefined();
      const post = await createPost(server, author.token, { title: `after the stop (${server === first})` });
      expect(titles(await readFeed(server === first ? second : first))?.[0]).toBe(post.title);
      const logIn = await server.execute(
        `mutation { logIn(input: { email: "${author.handle}@example.test", password: "correct horse" }) { token } }`,
      );
      expect(logIn.status).toBe(200);
      expect(logIn.errors).toBeUndefined();
    }
  }, 30_000);
});
