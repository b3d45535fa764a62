import type { DocumentNode } from "graphql";
import { LRUCache } from "lru-cache";

/**
 * A parsed document (with locations) takes about 100 bytes of heap per character of its source
 * (measured with graphql 16 on GraphiQL-like documents); its source is kept beside it.
 */
export const AST_BYTES_PER_SOURCE_CHAR = 100;

/**
 * Yoga's parse cache, bounded in estimated bytes rather than entries: 1,024 entries of 100 KB
 * documents would otherwise be allowed to hold about 10 GB of syntax trees.
 */
export function createDocumentCache(maxBytes: number) {
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      maxSize: maxBytes,
      sizeCalculation: (_document, source) => Math.max(1, source.length * (AST_BYTES_PER_SOURCE_CHAR + 2)),
    }),
    errorCache: new LRUCache<string, Error>({
      maxSize: Math.max(1, Math.floor(maxBytes / 16)),
      sizeCalculation: (error, source) => Math.max(1, source.length * 2 + error.message.length * 2 + 1_000),
    }),
  };
}
