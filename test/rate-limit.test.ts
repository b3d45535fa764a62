import { createClient } from "graphql-ws";
import { Redis } from "ioredis";
import { print } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadConfig, parseRateLimit } from "../src/config.ts";
import { clientAddress } from "../src/graphql/rate-limit.ts";
import {
  createMemoryRateLimitStore,
  createRedisRateLimitStore,
  type RateLimitStore,
} from "../src/cache/rate-limit-store.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { graphql } from "./gql/index.ts";
import { SignUp, signUpUser } from "./helpers/factories.ts";
import { TEST_REDIS_URL, useTestRedis } from "./helpers/redis.ts";
import { errorCodes, type TestServer, useTestServer } from "./helpers/server.ts";

const { redis, prefix } = await useTestRedis();

const stores: [string, () => RateLimitStore][] = [
  ["memory", () => createMemoryRateLimitStore()],
  ["Redis", () => createRedisRateLimitStore(redis, { prefix: `${prefix}:rl:${Math.random()}` })],
];

const threePerMinute = { points: 3, windowMs: 60_000 };
// A clock at the start of a window, so the arithmetic below reads in whole seconds.
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);

describe.each(stores)("sliding-window counters in %s", (_kind, createStore) => {
  it("allows N in a window, refuses the next with the seconds until one more fits", async () => {
    const store = createStore();
    for (let i = 0; i < 3; i++) expect((await store.consume("k", threePerMinute, T0 + i)).allowed).toBe(true);
    const refused = await store.consume("k", threePerMinute, T0 + 10_000);
    // 3 in this window: the next window starts at 60 s with a weight of 3 that must decay to 2: at 80 s.
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 70 });
    expect((await store.consume("other", threePerMinute, T0 + 10_000)).allowed).toBe(true);
  });

  it("slides: the previous window's count weighs in by its overlap, refusals are not counted", async () => {
    const store = createStore();
    for (let i = 0; i < 3; i++) await store.consume("k", threePerMinute, T0 + i);
    for (let i = 0; i < 5; i++) expect((await store.consume("k", threePerMinute, T0 + 30_000)).allowed).toBe(false);
    // A fixed window would let 3 more in at 60 s; the sliding one still counts 3.
    expect(await store.consume("k", threePerMinute, T0 + 60_000)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect((await store.consume("k", threePerMinute, T0 + 79_000)).allowed).toBe(false);
    expect((await store.consume("k", threePerMinute, T0 + 80_000)).allowed).toBe(true);
    // 3 * 1/3 + 1 = 2 counted; one more fits, then none.
    expect((await store.consume("k", threePerMinute, T0 + 100_000)).allowed).toBe(true);
    const full = await store.consume("k", threePerMinute, T0 + 100_000);
    expect(full.allowed).toBe(false);
    expect((await store.consume("k", threePerMinute, T0 + 100_000 + full.retryAfterSeconds * 1000)).allowed).toBe(true);
    // Two windows later nothing is left.
    for (let i = 0; i < 3; i++) expect((await store.consume("k", threePerMinute, T0 + 240_000)).allowed).toBe(true);
  });
});

it("keeps counters in memory for at most maxKeys keys, the least recently used evicted first", async () => {
  const store = createMemoryRateLimitStore({ maxKeys: 2 });
  const onePerMinute = { points: 1, windowMs: 60_000 };
  for (const key of ["a", "b", "a", "c"]) await store.consume(key, onePerMinute, T0);
  expect((await store.consume("a", onePerMinute, T0)).allowed).toBe(false);
  expect((await store.consume("c", onePerMinute, T0)).allowed).toBe(false);
  // b was the least recently used: forgotten, so counted afresh.
  expect((await store.consume("b", onePerMinute, T0)).allowed).toBe(true);
});

describe("the Redis counters", () => {
  it("keep their keys no longer than two windows and never hold the subject in clear", async () => {
    const store = createRedisRateLimitStore(redis, { prefix: `${prefix}:ttl` });
    await store.consume("logIn:account:digest", threePerMinute, Date.now());
    // SCAN, not KEYS: response-cache.test.ts asserts that nothing runs KEYS on the shared Redis.
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}:ttl:*`, "COUNT", 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== "0");
    expect(keys).toHaveLength(1);
    const ttl = await redis.pttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it("count in process memory while Redis is unreachable", async () => {
    const down = new Redis("redis://127.0.0.1:9", { lazyConnect: true });
    const store = createRedisRateLimitStore(down, { prefix: "unreachable" });
    for (let i = 0; i < 3; i++) expect((await store.consume("k", threePerMinute, T0)).allowed).toBe(true);
    expect((await store.consume("k", threePerMinute, T0)).allowed).toBe(false);
    down.disconnect();
  });
});

it("takes the client address from the socket, or from X-Forwarded-For as far as trusted proxies vouch", () => {
  const from = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } });
  const forwarded = new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.2" });
  expect(clientAddress(forwarded, from("10.0.0.1"), 0)).toBe("10.0.0.1");
  expect(clientAddress(forwarded, from("10.0.0.1"), 1)).toBe("10.0.0.2");
  // Two proxies: the entry the outer one appended; the client-supplied 6.6.6.6 is never taken.
  expect(clientAddress(forwarded, from("10.0.0.1"), 2)).toBe("203.0.113.7");
  expect(clientAddress(new Headers(), from("10.0.0.1"), 2)).toBe("10.0.0.1");
  expect(clientAddress(forwarded, {}, 1)).toBeUndefined();
});

it("reads N/window settings", () => {
  expect(parseRateLimit("10/15m")).toEqual({ points: 10, windowMs: 900_000 });
  expect(parseRateLimit("5/1h")).toEqual({ points: 5, windowMs: 3_600_000 });
  expect(parseRateLimit("off")).toBeNull();
  expect(() => loadConfig({ RATE_LIMIT_LOGIN_ACCOUNT: "10 per minute" })).toThrow(/RATE_LIMIT_LOGIN_ACCOUNT/);
  expect(() => loadConfig({ RATE_LIMIT_OPERATIONS: "0/1m" })).toThrow(/RATE_LIMIT_OPERATIONS/);
  expect(loadConfig({ NODE_ENV: "production" }).rateLimits.operations).toEqual({ points: 1200, windowMs: 60_000 });
  expect(loadConfig({ NODE_ENV: "development" }).rateLimits.operations).toBeNull();
});

const LogIn = graphql(`
  mutation LogInThrottled($input: LogInInput!) {
    logIn(input: $input) {
      token
    }
  }
`);

// On Redis: the counters the server uses when REDIS_URL is set.
const server = await useTestServer({
  REDIS_URL: TEST_REDIS_URL,
  RATE_LIMIT_LOGIN_ACCOUNT: "3/15m",
  RATE_LIMIT_LOGIN_ADDRESS: "6/15m",
  RATE_LIMIT_SIGNUP_ACCOUNT: "2/1h",
  RATE_LIMIT_SIGNUP_ADDRESS: "4/1h",
});
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());

async function post(target: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${target}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe("logIn and signUp", () => {
  it("refuse an account's attempts over its limit with RATE_LIMITED, 429 and a retry hint, the right password included", async () => {
    const { handle } = await signUpUser(server, "throttled");
    const credentials = (password: string) => ({ input: { email: `${handle}@example.test`, password } });
    for (let i = 0; i < 3; i++) {
      const wrong = await server.execute(LogIn, { variables: credentials("wrong password") });
      expect(errorCodes(wrong)).toEqual(["UNAUTHENTICATED"]);
    }
    const refused = await server.execute(LogIn, { variables: credentials("correct horse") });
    expect(refused.status).toBe(429);
    expect(errorCodes(refused)).toEqual(["RATE_LIMITED"]);
    const retryAfter = refused.errors?.[0]?.extensions?.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    // The previous window's count decays linearly, so the wait can exceed one window (at most 4/3 of it here).
    expect(retryAfter).toBeLessThanOrEqual((4 / 3) * 15 * 60);
    expect(refused.headers.get("retry-after")).toBe(String(retryAfter));
    expect(refused.errors?.[0]?.extensions).not.toHaveProperty("http");
    // The same account however it is spelled, and under aliases.
    const aliased = await server.execute(
      `mutation { a: logIn(input: { email: " ${handle.toUpperCase()}@EXAMPLE.test", password: "x" }) { token } }`,
    );
    expect(errorCodes(aliased)).toEqual(["RATE_LIMITED"]);
    // Another account is not affected.
    const other = await signUpUser(server, "unthrottled");
    const fine = await server.execute(LogIn, {
      variables: { input: { email: `${other.handle}@example.test`, password: "correct horse" } },
    });
    expect(fine.data?.logIn.token).toEqual(expect.any(String));
  });

  it("refuse signUp for one email over its limit", async () => {
    const input = { email: "dup@example.test", handle: "dup_1", name: "Dup", password: "correct horse" };
    await server.execute(SignUp, { variables: { input } });
    const duplicate = await server.execute(SignUp, { variables: { input: { ...input, handle: "dup_2" } } });
    expect(duplicate.data?.signUp.__typename).toBe("ConflictError");
    const refused = await server.execute(SignUp, { variables: { input: { ...input, handle: "dup_3" } } });
    expect(errorCodes(refused)).toEqual(["RATE_LIMITED"]);
  });

  it("limit one client address over HTTP across accounts", async () => {
    const results = [];
    for (let i = 0; i < 5; i++) {
      const input = { email: `addr_${i}@example.test`, handle: `addr_${i}`, name: "Addr", password: "correct horse" };
      results.push(
        await post(http.url, {
          query: "mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { token } } }",
          variables: { input },
        }),
      );
    }
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 429]);
    expect(results[4]?.body.errors[0].extensions.code).toBe("RATE_LIMITED");
    expect(results[4]?.headers.get("retry-after")).toMatch(/^\d+$/);
    const users = await server.db.prisma.user.count({ where: { handle: { startsWith: "addr_" } } });
    expect(users).toBe(4);
  });
  it("count logIn over WebSocket per client address too", async () => {
    const client = createClient({ url: `${http.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket });
    const codes: unknown[] = [];
    for (let i = 0; i < 7; i++) {
      const query = `mutation { logIn(input: { email: "ws_${i}@example.test", password: "x" }) { token } }`;
      // A refusal before any resolver ran comes as the operation's `error` message, as over HTTP without data.
      const result = await new Promise<{ errors?: readonly { extensions?: Record<string, unknown> }[] }>((resolve) => {
        let last = {};
        client.subscribe(
          { query },
          {
            next: (value) => (last = value),
            error: (errors) => resolve({ errors: errors as { extensions?: Record<string, unknown> }[] }),
            complete: () => resolve(last),
          },
        );
      });
      codes.push(result.errors?.[0]?.extensions?.code);
    }
    await client.dispose();
    expect(codes).toEqual([...Array(6).fill("UNAUTHENTICATED"), "RATE_LIMITED"]);
  });
});

// Behind one trusted proxy, so each request names its client in X-Forwarded-For.
const proxied = await useTestServer(
  {
    REDIS_URL: TEST_REDIS_URL,
    CACHE_KEY_PREFIX: `${server.config.redis.keyPrefix}:proxied`,
    TRUST_PROXY_HOPS: "1",
    RATE_LIMIT_LOGIN_ACCOUNT: "3/15m",
    RATE_LIMIT_LOGIN_ADDRESS: "6/15m",
  },
  server.url,
);
const proxiedHttp = await listen(proxied.yoga, "127.0.0.1", 0);
afterAll(() => proxiedHttp.close());

describe("logIn from several client addresses", () => {
  it("counts an account's attempts per address: a stranger who spends them does not lock the owner out", async () => {
    const { handle } = await signUpUser(server, "owner");
    const logInFrom = (address: string, email: string, password: string) =>
      post(
        proxiedHttp.url,
        { query: print(LogIn), variables: { input: { email, password } } },
        { "x-forwarded-for": address },
      );
    const email = `${handle}@example.test`;
    const stranger = "198.51.100.66";
    for (let i = 0; i < 3; i++) {
      const wrong = await logInFrom(stranger, email, "wrong password");
      expect(wrong.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    }
    const refused = await logInFrom(stranger, email, "correct horse");
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions).toEqual({ code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    expect(refused.headers.get("retry-after")).toBe(String(refused.body.errors[0].extensions.retryAfterSeconds));

    const owner = await logInFrom("203.0.113.7", email, "correct horse");
    expect(owner.status).toBe(200);
    expect(owner.body.data.logIn.token).toEqual(expect.any(String));

    // The stranger's address stays capped across accounts: 4 attempts counted (the refusal above
    // came from the account's count), 2 more fit in its 6.
    const elsewhere = [];
    for (let i = 0; i < 3; i++) elsewhere.push(await logInFrom(stranger, `nobody_${i}@example.test`, "x"));
    expect(elsewhere.map((result) => result.body.errors[0].extensions.code)).toEqual([
      "UNAUTHENTICATED",
      "UNAUTHENTICATED",
      "RATE_LIMITED",
    ]);
  });
});

const budgeted = await useTestServer({ RATE_LIMIT_OPERATIONS: "3/1m" }, server.url);
const budgetedHttp = await listen(budgeted.yoga, "127.0.0.1", 0);
afterAll(() => budgetedHttp.close());

describe("the operation budget per client address", () => {
  it("answers 429 with RATE_LIMITED before parsing once spent; health checks are not counted", async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(budgetedHttp.url, { query: "{ __typename }" })).status);
    expect((await fetch(`${budgetedHttp.url}/healthz`)).status).toBe(200);
    const refused = await post(budgetedHttp.url, { query: "{ not even valid" });
    expect(statuses).toEqual([200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions).toEqual({ code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    expect(refused.headers.get("retry-after")).toBe(String(refused.body.errors[0].extensions.retryAfterSeconds));
  });

  it("is off by default outside production", () => {
    expect(server.config.rateLimits.operations).toBeNull();
  });
});

// Without the RATE_LIMIT_* variables: what `npm start` (development) and production (as tests) count.
const developmentServer = await useTestServer({ NODE_ENV: "development" });
const defaultServer = await useTestServer();

describe("logIn limits by environment", () => {
  it("are off by default under npm start (development) and count elsewhere; a set variable applies anywhere", () => {
    const development = loadConfig({ NODE_ENV: "development" }).rateLimits;
    expect([development.logIn, development.signUp]).toEqual([
      { account: null, address: null },
      { account: null, address: null },
    ]);
    const production = loadConfig({ NODE_ENV: "production" }).rateLimits;
    expect(production.logIn).toEqual({ account: parseRateLimit("10/15m"), address: parseRateLimit("100/15m") });
    expect(production.signUp).toEqual({ account: parseRateLimit("5/1h"), address: parseRateLimit("20/1h") });
    expect(loadConfig({ NODE_ENV: "development", RATE_LIMIT_LOGIN_ACCOUNT: "3/1m" }).rateLimits.logIn.account).toEqual(
      parseRateLimit("3/1m"),
    );
  });

  async function logInTimes(target: TestServer, times: number): Promise<unknown[][]> {
    const { handle } = await signUpUser(target, "demo");
    const codes = [];
    for (let i = 0; i < times; i++) {
      const result = await target.execute(LogIn, {
        variables: { input: { email: `${handle}@example.test`, password: "correct horse" } },
      });
      codes.push(errorCodes(result));
    }
    return codes;
  }

  it("lets the demo user log in 15 times in a row under npm start's defaults", async () => {
    expect(await logInTimes(developmentServer, 15)).toEqual(Array.from({ length: 15 }, () => []));
  });

  it("refuses the 11th login within 15 minutes under the production defaults", async () => {
    const codes = await logInTimes(defaultServer, 11);
    expect(codes.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => []));
    expect(codes[10]).toEqual(["RATE_LIMITED"]);
  });
});
