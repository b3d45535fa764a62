import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { createCacheAside } from "../src/cache/cache-aside.ts";
import { type CacheStore, createMemoryStore, createRedisStore, stringBytes } from "../src/cache/store.ts";
import { createRedisClient } from "../src/cache/redis.ts";
import { createRedisGuard } from "../src/cache/redis-guard.ts";
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

  it("keeps nothing for a TTL of 0, and evicts the least recently used", async () => {
    const store = createMemoryStore({ maxEntries: 2, now: () => 0 });
    await store.set("zero", "0", 0);
    expect(await store.get("zero")).toBeNull();
    await store.set("a", "1", 10);
    await store.set("b", "2", 10);
    expect(await store.get("a")).toBe("1");
    await store.set("c", "3", 10);
    expect(await store.get("b")).toBeNull();
    expect(await store.get("a")).toBe("1");
  });
});

describe("memory store bounded by bytes", () => {
  it("evicts the least recently used once keys and values pass maxBytes, and keeps no value larger than it", async () => {
    const value = "x".repeat(1_000);
    const store = createMemoryStore({ maxBytes: 3 * stringBytes("k0", value), now: () => 0 });
    for (const key of ["k0", "k1", "k2"]) await store.set(key, value, 10);
    expect(await store.get("k0")).toBe(value);
    await store.set("k3", value, 10);
    expect(await store.get("k1")).toBeNull();
    expect(await store.get("k0")).toBe(value);
    await store.set("huge", "y".repeat(10_000), 10);
    expect(await store.get("huge")).toBeNull();
    expect(await store.get("k3")).toBe(value);
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

describe("the Redis guard's circuit breaker", () => {
  it("opens after 3 failures, lets one trial through after openMs, reopens on failure and closes on success", async () => {
    // The breaker's clock is Date; only Date is faked, the Redis connection runs on real timers.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const states: string[] = [];
      const logger = pino({ level: "info" }, { write: (line: string) => void states.push(JSON.parse(line).state) });
      const guard = createRedisGuard(redis, { logger, openMs: 1_000 });
      let sent = 0;
      const failing = () => {
        sent += 1;
        return Promise.reject(new Error("Command timed out"));
      };
      const working = () => {
        sent += 1;
        return redis.ping();
      };

      for (let i = 0; i < 3; i++) expect(await guard.run("fallback", failing)).toBe("fallback");
      expect(sent).toBe(3);
      // Open: the fallback at once, nothing sent.
      expect(await guard.run("fallback", working)).toBe("fallback");
      expect(sent).toBe(3);
      expect(guard.outages).toBe(4);

      // After openMs one trial; while it runs, the others get the fallback.
      vi.setSystemTime(Date.now() + 1_000);
      let release!: () => void;
      const trial = guard.run("fallback", () => {
        sent += 1;
        return new Promise<string>((resolve) => (release = () => resolve("PONG")));
      });
      expect(await guard.run("fallback", working)).toBe("fallback");
      release();
      expect(await trial).toBe("PONG");
      expect(sent).toBe(4);
      expect(await guard.run("fallback", working)).toBe("PONG");

      // Open again; a failed trial opens it for another openMs, a good one closes it.
      for (let i = 0; i < 3; i++) await guard.run("fallback", failing);
      vi.setSystemTime(Date.now() + 1_000);
      expect(await guard.run("fallback", failing)).toBe("fallback");
      expect(await guard.run("fallback", working)).toBe("fallback");
      vi.setSystemTime(Date.now() + 1_000);
      expect(await guard.run("fallback", working)).toBe("PONG");
      expect(states).toEqual(["open", "half-open", "closed", "open", "half-open", "open", "half-open", "closed"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
