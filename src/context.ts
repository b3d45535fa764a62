import type { YogaInitialContext } from "graphql-yoga";
import type DataLoader from "dataloader";
import type { TokenService } from "./auth/token.ts";
import { createViewerResolver } from "./auth/viewer.ts";
import type { JobEvents } from "./jobs/tracking.ts";
import type { PrismaClient } from "./db.ts";
import type { Sql } from "./data/sql.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { Reputation, Upstreams } from "./upstream/services.ts";

/** What every request shares with the resolvers; built once per request. */
export interface Context {
  prisma: PrismaClient;
  tokens: TokenService;
  /** The logged-in user's id, or null for an anonymous request. */
  viewerId: number | null;
  loaders: Loaders;
  upstreams: Upstreams;
  /** Per-request loaders for upstream data batched across parents. */
  upstreamLoaders: { reputation: DataLoader<string, Reputation | null> };
  /** Aborts when the client goes away: upstream calls stop with it. */
  signal: AbortSignal;
  jobEvents: JobEvents;
}

export interface ContextDependencies {
  prisma: PrismaClient;
  /** The pool's prepared statements, for the loaders' hot reads. */
  sql: Sql;
  tokens: TokenService;
  upstreams: Upstreams;
  jobEvents: JobEvents;
}

export function createContextFactory(deps: ContextDependencies) {
  const viewers = createViewerResolver(deps.prisma, deps.tokens);
  return async (initial: YogaInitialContext): Promise<Context> => {
    const { request } = initial;
    const viewerId = await viewers.viewerIdFrom(request.headers.get("authorization"));
    // Loaders and the request's abort signal are made when a resolver first asks: most
    // operations need few of them, and Node's request adapter builds the signal on first read.
    // They are non-enumerable getters on the context object Yoga passes in: Yoga merges what the
    // factory returns into it with Object.assign, which calls every enumerable getter at once.
    let loaders: Loaders | undefined;
    let upstreamLoaders: Context["upstreamLoaders"] | undefined;
    Object.defineProperties(initial, {
      loaders: { get: () => (loaders ??= createLoaders(deps.sql, viewerId)), configurable: true },
      upstreamLoaders: {
        get: () => (upstreamLoaders ??= { reputation: deps.upstreams.createReputationLoader(request.signal) }),
        configurable: true,
      },
      signal: { get: () => request.signal, configurable: true },
    });
    const eager: Omit<Context, "loaders" | "upstreamLoaders" | "signal"> = {
      prisma: deps.prisma,
      tokens: viewers.tokens,
      viewerId,
      upstreams: deps.upstreams,
      jobEvents: deps.jobEvents,
    };
    return Object.assign(initial, eager) as YogaInitialContext & Context;
  };
}
