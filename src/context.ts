import type { YogaInitialContext } from "graphql-yoga";
import type DataLoader from "dataloader";
import type { TokenService } from "./auth/token.ts";
import { createViewerResolver } from "./auth/viewer.ts";
import type { JobEvents } from "./jobs/tracking.ts";
import type { PrismaClient } from "./db.ts";
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
  tokens: TokenService;
  upstreams: Upstreams;
  jobEvents: JobEvents;
}

export function createContextFactory(deps: ContextDependencies) {
  const viewers = createViewerResolver(deps.prisma, deps.tokens);
  return async ({ request }: YogaInitialContext): Promise<Context> => {
    const viewerId = await viewers.viewerIdFrom(request.headers.get("authorization"));
    return {
      prisma: deps.prisma,
      tokens: viewers.tokens,
      viewerId,
      loaders: createLoaders(deps.prisma, viewerId),
      upstreams: deps.upstreams,
      upstreamLoaders: { reputation: deps.upstreams.createReputationLoader(request.signal) },
      signal: request.signal,
      jobEvents: deps.jobEvents,
    };
  };
}
