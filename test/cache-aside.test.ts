import { describe, expect, it } from "vitest";
import { createCacheAside } from "../src/cache/cache-aside.ts";
import { type CacheStore, createMemoryStore, createRedisStore } from "../src/cache/store.ts";
import { CircuitBreaker } from "../src/cache/circuit-breaker.ts";
import { createRedisClient } from "../src/cache/redis.ts";
import { useTestRedis } from "./helpers/redis.ts";

const { redis, prefix } = await useTestRedis();

const stores: [string, () => CacheStore][] = [
  ["memory", () => createMemoryStore()],
  ["redis", () => createRedisStore(redis)],
];

describe.each(stores)("cache-aside on the %s store", (_kind, makeStore) => {
  it("loads once, then serves the cached value until the TTL", async () => {
    const cache = createCacheAside(makeStore(), `${prefix}:${_kind}:ttl`);
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrLoad("k", 60, load)).toEqual({ value: { n: 1 }, hit: false });
    expect(await cache.getOrLoad("k", 60, load)).toEqual({ value: { n: 1 }, hit: true });
    expect(loads).toBe(1);
    await cache.delete(["k"]);
    expect(await cache.getOrLoad("k", 60, load)).toEqual({ value: { n: 2 }, hit: false });
  });

  it("makes 100 concurrent misses of one key share a single load", async () => {
    const cache = createCacheAside(makeStore(), `${prefix}:${_kind}:flight`);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return "value";
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.getOrLoad("same", 60, load)));
    expect(loads).toBe(1);
    expect(results.every((result) => result.value === "value")).toBe(true);
  });

  it("does not cache a failed load", async () => {
    const cache = createCacheAside(makeStore(), `${prefix}:${_kind}:fail`);
    await expect(cache.getOrLoad("k", 60, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await cache.getOrLoad("k", 60, async () => "ok")).toEqual({ value: "ok", hit: false });
  });
});

describe("memory store", () => {
  it("expires entries after their TTL and evicts the oldest beyond its size", async () => {
    let now = 0;
    const store = createMemoryStore({ maxEntries: 2, now: () => now });
    await store.set("a", "1", 10);
    now = 11_000;
    expect(await store.get("a")).toBeNull();
    await store.set("b", "2", 10);
    await store.set("c", "3", 10);
    await store.set("d", "4", 10);
    expect(await store.get("b")).toBeNull();
    expect(await store.get("d")).toBe("4");
  });
});

describe("redis store with Redis unreachable", () => {
  it("reads as a miss and drops writes at once, without throwing", async () => {
    // A command timeout far longer than the bound below: passing means the store did not wait for it.
    const dead = createRedisClient("redis://127.0.0.1:1", { commandTimeoutMs: 10_000 });
    const store = createRedisStore(dead);
    const started = performance.now();
    expect(await store.get("k")).toBeNull();
    await store.set("k", "v", 10);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(store.outages).toBe(2);
    dead.disconnect();
  });
});

describe("circuit breaker", () => {
  it("opens after the threshold, lets one trial through after openMs, and closes on success", () => {
    let now = 0;
    const states: string[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 2,
      openMs: 1000,
      now: () => now,
      onStateChange: (s) => states.push(s),
    });
    breaker.failure();
    expect(breaker.allow()).toBe(true);
    breaker.failure();
    expect(breaker.state).toBe("open");
    expect(breaker.allow()).toBe(false);
    now = 1000;
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.failure();
    expect(breaker.state).toBe("open");
    now = 2000;
    expect(breaker.allow()).toBe(true);
    breaker.success();
    expect(breaker.state).toBe("closed");
    expect(states).toEqual(["open", "half-open", "open", "half-open", "closed"]);
  });
});
