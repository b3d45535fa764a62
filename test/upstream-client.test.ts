import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createCacheAside } from "../src/cache/cache-aside.ts";
import { createMemoryStore, createRedisStore } from "../src/cache/store.ts";
import { createUpstreamClient, type UpstreamCallEvent, type UpstreamServiceConfig } from "../src/upstream/client.ts";
import { useTestRedis } from "./helpers/redis.ts";
import { ScriptedUpstream } from "./helpers/scripted-upstream.ts";

// The upstream client against real HTTP servers on loopback with scripted behaviour.

const upstream = await new ScriptedUpstream().start();
const { redis, prefix } = await useTestRedis();
const Body = z.object({ value: z.number() });

let clientCount = 0;
function client(
  overrides: Partial<UpstreamServiceConfig> = {},
  events: UpstreamCallEvent[] = [],
  breakerThreshold = 3,
) {
  clientCount += 1;
  return createUpstreamClient(
    {
      name: "svc",
      baseUrl: upstream.url,
      timeoutMs: 2_000,
      retries: 3,
      concurrency: 8,
      cacheTtlSeconds: 0,
      ...overrides,
    },
    {
      cache: createCacheAside(createMemoryStore(), `c${clientCount}`),
      onCall: (event) => events.push(event),
      breaker: { failureThreshold: breakerThreshold, openMs: 300 },
      backoffMs: 20,
    },
  );
}

const codeOf = (error: unknown) =>
  error instanceof GraphQLError ? [error.extensions.code, error.extensions.service] : error;

describe("upstream client", () => {
  it("retries a 5xx with exponential backoff and succeeds", async () => {
    upstream.reset();
    upstream.on("/flaky", [{ status: 503 }, { status: 502 }, { json: { value: 1 } }]);
    const events: UpstreamCallEvent[] = [];
    const started = performance.now();
    expect(await client({}, events).get("/flaky", Body)).toEqual({ value: 1 });
    expect(upstream.count("/flaky")).toBe(3);
    expect(events.map((event) => event.outcome)).toEqual(["server_error", "server_error", "ok"]);
    // backoff 20 ms then 40 ms, each plus up to as much jitter
    expect(performance.now() - started).toBeGreaterThanOrEqual(60);
  });

  it("gives up after 3 retries with UPSTREAM_UNAVAILABLE", async () => {
    upstream.reset();
    upstream.on("/down", { status: 500 });
    await expect(client({}, [], 10).get("/down", Body).catch(codeOf)).resolves.toEqual(["UPSTREAM_UNAVAILABLE", "svc"]);
    expect(upstream.count("/down")).toBe(4);
    // With the default breaker, 3 failures in a row open it: the 4th attempt is not even sent.
    upstream.reset();
    upstream.on("/down", { status: 500 });
    await client()
      .get("/down", Body)
      .catch(() => {});
    expect(upstream.count("/down")).toBe(3);
  });

  it("does not retry a 4xx, and reads a 404 as null without error", async () => {
    upstream.reset();
    upstream.on("/bad", { status: 400 }).on("/missing", { status: 404 });
    await expect(client().get("/bad", Body).catch(codeOf)).resolves.toEqual(["UPSTREAM_BAD_RESPONSE", "svc"]);
    expect(upstream.count("/bad")).toBe(1);
    expect(await client().get("/missing", Body)).toBeNull();
    expect(upstream.count("/missing")).toBe(1);
  });

  it("rejects a malformed or unexpected body with UPSTREAM_BAD_RESPONSE", async () => {
    upstream.reset();
    upstream.on("/garbage", { raw: "{not json" }).on("/wrong", { json: { value: "nope" } });
    await expect(client().get("/garbage", Body).catch(codeOf)).resolves.toEqual(["UPSTREAM_BAD_RESPONSE", "svc"]);
    await expect(client().get("/wrong", Body).catch(codeOf)).resolves.toEqual(["UPSTREAM_BAD_RESPONSE", "svc"]);
  });

  it("stops a hanging call at the time budget with UPSTREAM_TIMEOUT, retries included", async () => {
    upstream.reset();
    upstream.on("/hang", { hang: true });
    const started = performance.now();
    await expect(client({ timeoutMs: 300 }).get("/hang", Body).catch(codeOf)).resolves.toEqual([
      "UPSTREAM_TIMEOUT",
      "svc",
    ]);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("opens the breaker after repeated failures, fails fast while open, and closes after a good trial", async () => {
    upstream.reset();
    upstream.on("/breaker", { status: 503 });
    const svc = client({ retries: 0 });
    for (let i = 0; i < 3; i++) await svc.get("/breaker", Body).catch(() => {});
    expect(svc.breaker.state).toBe("open");
    const before = upstream.count("/breaker");
    await expect(svc.get("/breaker", Body).catch(codeOf)).resolves.toEqual(["UPSTREAM_UNAVAILABLE", "svc"]);
    expect(upstream.count("/breaker")).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 350));
    upstream.on("/breaker", { json: { value: 2 } });
    expect(await svc.get("/breaker", Body)).toEqual({ value: 2 });
    expect(svc.breaker.state).toBe("closed");
  });

  it("caps concurrent requests per service", async () => {
    upstream.reset();
    upstream.otherwise(() => ({ json: { value: 3 }, delayMs: 100 }));
    const svc = client({ concurrency: 2 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, (_, i) => svc.get(`/cap/${i}`, Body)));
    // 4 calls, 2 at a time, 100 ms each
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("makes concurrent identical calls share one request", async () => {
    upstream.reset();
    upstream.on("/same", { json: { value: 4 }, delayMs: 50 });
    const svc = client();
    const results = await Promise.all(Array.from({ length: 20 }, () => svc.get("/same", Body)));
    expect(results.every((result) => result?.value === 4)).toBe(true);
    expect(upstream.count("/same")).toBe(1);
  });

  it.each([
    ["memory", () => createMemoryStore()],
    ["redis", () => createRedisStore(redis, { prefix })],
  ])("caches a response for its TTL on the %s store: a repeat makes no call", async (_kind, makeStore) => {
    upstream.reset();
    upstream.on("/cached", { json: { value: 5 } });
    const svc = createUpstreamClient(
      { name: "svc", baseUrl: upstream.url, timeoutMs: 1_000, retries: 0, concurrency: 4, cacheTtlSeconds: 60 },
      { cache: createCacheAside(makeStore(), `cached-${_kind}-${Date.now()}`) },
    );
    expect(await svc.get("/cached", Body)).toEqual({ value: 5 });
    expect(await svc.get("/cached", Body)).toEqual({ value: 5 });
    expect(upstream.count("/cached")).toBe(1);
  });

  it("aborts the upstream request when every caller has gone away", async () => {
    upstream.reset();
    upstream.on("/slow", { json: { value: 6 }, delayMs: 2_000 });
    const caller = new AbortController();
    const pending = client().get("/slow", Body, { signal: caller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    caller.abort(new Error("client went away"));
    await expect(pending).rejects.toThrow("client went away");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.requests.find((request) => request.path === "/slow")?.aborted).toBe(true);
  });
});
