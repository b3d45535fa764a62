import type { CacheStore } from "./store.ts";

export interface CacheAside {
  /**
   * The cached value of `key`, or `load()`'s, stored for `ttlSeconds` (0: not cached, but still
   * shared by concurrent callers). Concurrent misses of one
   * key share one load (single flight); a failed load is not cached. With `signal`, a caller
   * that goes away stops waiting, and the shared load's own signal aborts once every caller
   * waiting for it has gone.
   */
  getOrLoad<T>(
    key: string,
    ttlSeconds: number,
    load: (signal: AbortSignal) => Promise<T>,
    options?: { signal?: AbortSignal },
  ): Promise<{ value: T; hit: boolean }>;
  delete(keys: string[]): Promise<void>;
}

interface Flight {
  promise: Promise<{ value: unknown; hit: boolean }>;
  controller: AbortController;
  waiters: number;
}

export function createCacheAside(store: CacheStore, namespace: string): CacheAside {
  const inFlight = new Map<string, Flight>();
  const fullKey = (key: string) => `${namespace}:${key}`;

  const start = (storeKey: string, ttlSeconds: number, load: (signal: AbortSignal) => Promise<unknown>): Flight => {
    const controller = new AbortController();
    const promise = (async () => {
      const cached = ttlSeconds > 0 ? await store.get(storeKey) : null;
      if (cached !== null) return { value: JSON.parse(cached) as unknown, hit: true };
      const value = await load(controller.signal);
      if (ttlSeconds > 0) await store.set(storeKey, JSON.stringify(value ?? null), ttlSeconds);
      return { value, hit: false };
    })().finally(() => inFlight.delete(storeKey));
    // A flight nobody waits for any more may reject unobserved.
    promise.catch(() => {});
    return { promise, controller, waiters: 0 };
  };

  return {
    getOrLoad<T>(
      key: string,
      ttlSeconds: number,
      load: (signal: AbortSignal) => Promise<T>,
      options: { signal?: AbortSignal } = {},
    ) {
      const storeKey = fullKey(key);
      let flight = inFlight.get(storeKey);
      if (!flight) {
        flight = start(storeKey, ttlSeconds, load);
        inFlight.set(storeKey, flight);
      }
      const current = flight;
      current.waiters += 1;
      const { signal } = options;
      if (!signal) return current.promise as Promise<{ value: T; hit: boolean }>;
      return new Promise<{ value: T; hit: boolean }>((resolve, reject) => {
        const leave = () => {
          current.waiters -= 1;
          if (current.waiters === 0) current.controller.abort(signal.reason);
          reject(signal.reason);
        };
        if (signal.aborted) return leave();
        signal.addEventListener("abort", leave, { once: true });
        current.promise.then(
          (result) => {
            signal.removeEventListener("abort", leave);
            resolve(result as { value: T; hit: boolean });
          },
          (error: unknown) => {
            signal.removeEventListener("abort", leave);
            reject(error);
          },
        );
      });
    },
    delete: (keys) => store.delete(keys.map(fullKey)),
  };
}
