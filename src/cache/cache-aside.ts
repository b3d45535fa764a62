import type { CacheStore } from "./store.ts";

export interface CacheAside {
  /**
   * The cached value of `key`, or `load()`'s, stored for `ttlSeconds`. Concurrent misses of one
   * key share one load (single flight). A failed load is not cached.
   */
  getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<{ value: T; hit: boolean }>;
  delete(keys: string[]): Promise<void>;
}

export function createCacheAside(store: CacheStore, namespace: string): CacheAside {
  const inFlight = new Map<string, Promise<{ value: unknown; hit: boolean }>>();
  const fullKey = (key: string) => `${namespace}:${key}`;
  return {
    getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>) {
      const storeKey = fullKey(key);
      const pending = inFlight.get(storeKey);
      if (pending) return pending as Promise<{ value: T; hit: boolean }>;
      const attempt = (async () => {
        const cached = await store.get(storeKey);
        if (cached !== null) return { value: JSON.parse(cached) as T, hit: true };
        const value = await load();
        await store.set(storeKey, JSON.stringify(value ?? null), ttlSeconds);
        return { value, hit: false };
      })().finally(() => inFlight.delete(storeKey));
      inFlight.set(storeKey, attempt);
      return attempt;
    },
    delete: (keys) => store.delete(keys.map(fullKey)),
  };
}
