import type { YogaInitialContext } from "graphql-yoga";
import type DataLoader from "dataloader";
import type { TokenService } from "./auth/token.ts";
import type { Invalidation } from "./cache/response-cache.ts";
import type { JobEvents } from "./jobs/tracking.ts";
import type { PrismaClient } from "./db.ts";
import type { Sql } from "./data/sql.ts";
import { clientError } from "./errors.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { Reputation, Upstreams } from "./upstream/services.ts";

/** What every request shares with the resolvers; built once per request. */
export interface Context {
  prisma: PrismaClient;
  tokens: TokenService;
  /** The logged-in user's id, or null for an anonymous request. */
  viewerId: number | null;
  loaders: Loaders;
  /**
   * Removes cached responses that contain these entities (or, with no id, any of the type),
   * across every server instance sharing the cache. Mutations await it before answering.
   */
  invalidate(changes: Invalidation[]): Promise<void>;
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
  invalidate: Context["invalidate"];
  upstreams: Upstreams;
  jobEvents: JobEvents;
}

export function createContextFactory(deps: ContextDependencies) {
  return async ({ request }: YogaInitialContext): Promise<Context> => {
    const viewerId = await viewerIdFrom(request.headers.get("authorization"), deps.tokens);
    // Loaders and the request's abort signal are made when a resolver first asks: most
    // operations need few of them, and Node's request adapter builds the signal on first read.
    let loaders: Loaders | undefined;
    let upstreamLoaders: Context["upstreamLoaders"] | undefined;
    return {
      prisma: deps.prisma,
      tokens: deps.tokens,
      viewerId,
      get loaders() {
        return (loaders ??= createLoaders(deps.sql, viewerId));
      },
      invalidate: deps.invalidate,
      upstreams: deps.upstreams,
      get upstreamLoaders() {
        return (upstreamLoaders ??= { reputation: deps.upstreams.createReputationLoader(request.signal) });
      },
      get signal() {
        return request.signal;
      },
      jobEvents: deps.jobEvents,
    };
  };
}

/** No header: anonymous. A header with a bad or expired token: UNAUTHENTICATED, never silently anonymous. */
async function viewerIdFrom(header: string | null, tokens: TokenService): Promise<number | null> {
  if (!header) return null;
  const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
  const viewerId = token ? await tokens.verify(token) : null;
  if (viewerId === null) throw clientError("UNAUTHENTICATED", "Invalid or expired token");
  return viewerId;
}
