import type DataLoader from "dataloader";
import { z } from "zod";
import type { CacheStore } from "../cache/store.ts";
import { createCacheAside } from "../cache/cache-aside.ts";
import { createTracedLoader } from "../observability/tracing.ts";
import { createUpstreamClient, type UpstreamCallEvent, type UpstreamClient } from "./client.ts";

/** The external services behind `User.insights`, their contracts and their clients. */
export const UPSTREAM_SERVICES = ["reputation", "geo", "badges", "activity", "recommender"] as const;
export type UpstreamServiceName = (typeof UPSTREAM_SERVICES)[number];

const reputation = z.object({ handle: z.string(), score: z.number(), rank: z.number().int() });
export const schemas = {
  reputation,
  reputationBatch: z.object({ users: z.array(reputation) }),
  geo: z.object({ country: z.string(), timezone: z.string() }),
  badges: z.object({ badges: z.array(z.object({ id: z.string(), name: z.string() })) }),
  activity: z.object({ commitsLastWeek: z.number().int().min(0), streakDays: z.number().int().min(0) }),
  recommender: z.object({ postIds: z.array(z.number().int().positive()) }),
};
export type Reputation = z.infer<typeof reputation>;

export interface UpstreamSettings {
  urls: Record<UpstreamServiceName, string>;
  timeoutMs: number;
  retries: number;
  concurrency: number;
  cacheTtlSeconds: Record<UpstreamServiceName, number>;
  breaker?: { failureThreshold: number; openMs: number };
  backoffMs?: number;
}

export interface Upstreams {
  clients: Record<UpstreamServiceName, UpstreamClient>;
  /** Per request: reputation by handle, one batch call for every handle the request asks for. */
  createReputationLoader(signal?: AbortSignal): DataLoader<string, Reputation | null>;
}

const userPath = (handle: string) => `/users/${encodeURIComponent(handle)}`;

export interface UpstreamHooks {
  onCall?: (event: UpstreamCallEvent) => void;
  onCache?: (service: string, hit: boolean) => void;
}

export function createUpstreams(settings: UpstreamSettings, store: CacheStore, hooks: UpstreamHooks = {}): Upstreams {
  const clients = Object.fromEntries(
    UPSTREAM_SERVICES.map((name) => [
      name,
      createUpstreamClient(
        {
          name,
          baseUrl: settings.urls[name],
          timeoutMs: settings.timeoutMs,
          retries: settings.retries,
          concurrency: settings.concurrency,
          cacheTtlSeconds: settings.cacheTtlSeconds[name],
        },
        {
          cache: createCacheAside(store, `upstream:${name}`),
          onCall: hooks.onCall,
          onCache: hooks.onCache,
          breaker: settings.breaker,
          backoffMs: settings.backoffMs,
        },
      ),
    ]),
  ) as Record<UpstreamServiceName, UpstreamClient>;

  // Entries written by the batch call are the ones a single `/users/{handle}` call would read.
  const reputationKey = (handle: string) => `upstream:reputation:${userPath(handle)}`;
  const reputationTtl = settings.cacheTtlSeconds.reputation;

  return {
    clients,
    createReputationLoader(signal) {
      return createTracedLoader<string, Reputation | null>("reputation", async (handles) => {
        const cached = await Promise.all(handles.map((handle) => store.get(reputationKey(handle))));
        const missing = handles.filter((_, i) => cached[i] === null);
        if (reputationTtl > 0) for (const entry of cached) hooks.onCache?.("reputation", entry !== null);
        const fetched = new Map<string, Reputation>();
        if (missing.length > 0) {
          const path = `/users?handles=${missing.map(encodeURIComponent).join(",")}`;
          const body = await clients.reputation.get(path, schemas.reputationBatch, { signal, cache: false });
          for (const user of body?.users ?? []) fetched.set(user.handle, user);
          if (reputationTtl > 0) {
            await Promise.all(
              missing.map((handle) =>
                store.set(reputationKey(handle), JSON.stringify(fetched.get(handle) ?? null), reputationTtl),
              ),
            );
          }
        }
        return handles.map((handle, i) => {
          const hit = cached[i];
          return hit != null ? (JSON.parse(hit) as Reputation | null) : (fetched.get(handle) ?? null);
        });
      });
    },
  };
}

export const upstreamPaths = { user: userPath };
