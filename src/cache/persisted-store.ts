import type { RedisClient } from "./redis.ts";
import { LRUCache } from "lru-cache";
import type { Logger } from "../observability/logger.ts";
import { createRedisStore } from "./store.ts";

/**
 * Documents registered by their sha256 (automatic persisted queries): in Redis when there is one,
 * so every instance knows what any instance registered, else in process memory. Never throws: an
 * unreachable Redis reads as "not registered" and the client sends the text again.
 */
export interface PersistedDocumentStore {
  get(hash: string): Promise<string | null>;
  set(hash: string, document: string): Promise<void>;
}

/** How long Redis keeps a registration; after it, the client registers again with one extra request. */
const REGISTRATION_TTL_SECONDS = 7 * 24 * 3600;

export function createPersistedDocumentStore(options: {
  redis?: RedisClient;
  keyPrefix: string;
  /** Memory only: the most the registered documents may hold, in bytes of their text. */
  maxBytes: number;
  logger?: Logger;
}): PersistedDocumentStore {
  if (options.redis) {
    const store = createRedisStore(options.redis, { logger: options.logger, prefix: `${options.keyPrefix}:apq` });
    return {
      get: (hash) => store.get(hash),
      set: (hash, document) => store.set(hash, document, REGISTRATION_TTL_SECONDS),
    };
  }
  const documents = new LRUCache<string, string>({
    maxSize: options.maxBytes,
    // UTF-16 in the heap, the key beside it.
    sizeCalculation: (document, hash) => document.length * 2 + hash.length * 2,
  });
  return {
    get: async (hash) => documents.get(hash) ?? null,
    set: async (hash, document) => void documents.set(hash, document),
  };
}
