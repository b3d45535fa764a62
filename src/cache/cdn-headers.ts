import type { Plugin } from "graphql-yoga";

/**
 * Cache-Control for a CDN in front of Sokudo, as the response cache knows the answer
 * (response-cache.ts):
 * - a GET whose answer is shared (every selected field PUBLIC) and was stored by the response
 *   cache: `public, max-age=<its TTL>` and its index keys in `Surrogate-Key` (space-separated)
 *   and `Cache-Tag` (comma-separated), which invalidations purge (cdn-purge.ts);
 * - a per-viewer answer: `private, no-store`;
 * - anything else (mutations, errors, POST, answers not stored): `no-store`.
 */
export type CdnAnswer =
  { kind: "shared"; ttlSeconds: number; keys: readonly string[] } | { kind: "per-viewer" } | { kind: "uncacheable" };

/** How long a CDN may serve a shared answer past its max-age while it fetches a fresh one. */
export const STALE_WHILE_REVALIDATE_SECONDS = 60;

export function cdnHeaders(method: string, answer: CdnAnswer): Record<string, string> {
  if (answer.kind === "per-viewer") return { "cache-control": "private, no-store" };
  if (answer.kind === "uncacheable" || method !== "GET" || answer.ttlSeconds < 1 || answer.keys.length === 0) {
    return { "cache-control": "no-store" };
  }
  return {
    "cache-control": `public, max-age=${answer.ttlSeconds}, stale-while-revalidate=${STALE_WHILE_REVALIDATE_SECONDS}`,
    "surrogate-key": answer.keys.join(" "),
    "cache-tag": answer.keys.join(","),
  };
}

export function useCdnHeaders(describe: (request: Request) => Promise<CdnAnswer>): Plugin {
  return {
    async onResponse({ request, response }) {
      // A response someone else already gave its caching headers (a route, a 304) keeps them.
      if (response.headers.has("cache-control")) return;
      for (const [name, value] of Object.entries(cdnHeaders(request.method, await describe(request)))) {
        response.headers.set(name, value);
      }
    },
  };
}
