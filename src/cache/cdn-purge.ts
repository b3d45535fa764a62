import type { ResponseCacheBackend } from "./response-cache-backend.ts";

/**
 * Purges of a CDN in front of Sokudo: every index key the response cache invalidates (`t:<Type>`,
 * `e:<Type>:<global id>`, `q:<field>`) is purged there too, as those keys are what the
 * `Surrogate-Key` header of a shared answer lists (cdn-headers.ts).
 * - keys invalidated in one tick are sent as one request;
 * - a failed request is retried with backoff, then counted as failed;
 * - the write never waits for it: a CDN that is down costs freshness up to max-age, not writes.
 */
export type CdnPurgeKind = "webhook" | "varnish";

export type CdnPurgeOutcome = "sent" | "retried" | "failed";

/** What invalidateAll purges: every answer the CDN holds. */
export const PURGE_EVERYTHING = "*";

export interface CdnPurger {
  purge(keys: readonly string[]): void;
  /** Resolves once every queued purge has been sent or given up. */
  settled(): Promise<void>;
}

export interface CdnPurgeOptions {
  url: string;
  kind: CdnPurgeKind;
  onOutcome?: (outcome: CdnPurgeOutcome) => void;
  attempts?: number;
  backoffMs?: number;
}

export function createCdnPurger(options: CdnPurgeOptions): CdnPurger {
  const attempts = options.attempts ?? 4;
  const backoffMs = options.backoffMs ?? 200;
  let queued = new Set<string>();
  const inFlight = new Set<Promise<void>>();

  const send = async (keys: string[]) => {
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        options.onOutcome?.("retried");
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
      }
      const sent = await fetch(options.url, purgeRequest(options.kind, keys)).then(
        (response) => response.ok,
        () => false,
      );
      if (sent) return options.onOutcome?.("sent");
    }
    options.onOutcome?.("failed");
  };

  const flush = () => {
    const keys = queued.has(PURGE_EVERYTHING) ? [PURGE_EVERYTHING] : [...queued];
    queued = new Set();
    const sending = send(keys);
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
  };

  return {
    purge(keys) {
      if (keys.length === 0) return;
      if (queued.size === 0) setImmediate(flush);
      for (const key of keys) queued.add(key);
    },
    async settled() {
      while (queued.size > 0 || inFlight.size > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all(inFlight);
      }
    },
  };
}

function purgeRequest(kind: CdnPurgeKind, keys: string[]): RequestInit {
  if (kind === "webhook") {
    return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ keys }) };
  }
  // ops/varnish/default.vcl bans every object whose Surrogate-Key matches this expression.
  const pattern = keys.includes(PURGE_EVERYTHING)
    ? "."
    : `(^|[[:space:]])(${keys.map(escapeRegExp).join("|")})([[:space:]]|$)`;
  return { method: "BAN", headers: { "x-ban-surrogate-key": pattern } };
}

// Bracketed rather than backslashed, and no spaces: ban() reads the pattern as one bare word.
function escapeRegExp(key: string): string {
  return key.replace(/[.*+?${}()|[]/g, (char) => `[${char}]`);
}

/** The backend the response cache invalidates through, purging the CDN for every invalidation. */
export function purgingBackend(backend: ResponseCacheBackend, purger: CdnPurger): ResponseCacheBackend {
  return {
    get kind() {
      return backend.kind;
    },
    get outages() {
      return backend.outages;
    },
    get: (key) => backend.get(key),
    set: (key, value, indexes, ttlSeconds, generation) => backend.set(key, value, indexes, ttlSeconds, generation),
    // After the response cache: a CDN miss refilled from it before then would store the old answer again.
    invalidate: async (indexes) => {
      try {
        return await backend.invalidate(indexes);
      } finally {
        purger.purge(indexes);
      }
    },
    invalidateAll: async () => {
      try {
        await backend.invalidateAll();
      } finally {
        purger.purge([PURGE_EVERYTHING]);
      }
    },
  };
}
