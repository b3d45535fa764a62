import type { YogaInitialContext } from "graphql-yoga";
import type DataLoader from "dataloader";
import type { TokenService } from "../auth/token.ts";
import type { Viewers } from "../auth/viewer.ts";
import type { CommentEvents } from "../jobs/comment-events.ts";
import type { JobEvents } from "../jobs/tracking.ts";
import type { PrismaClient } from "../data/db.ts";
import type { Sql } from "../data/sql.ts";
import { createLoaders, type Loaders } from "../data/loaders.ts";
import type { Reputation, Upstreams } from "../upstream/services.ts";

/** What every request shares with the resolvers; built once per request. */
export interface Context {
  prisma: PrismaClient;
  tokens: TokenService;
  /** The logged-in user's id, or null for an anonymous request. */
  viewerId: number | null;
  /**
   * The pool's prepared statements: the loaders' and root lists' reads, and the hot writes kept off
   * Prisma (data/likes.ts). A query's may be a read replica's (graphql/read-route.ts); any other
   * operation's are the primary's.
   */
  sql: Sql;
  loaders: Loaders;
  upstreams: Upstreams;
  /** Per-request loaders for upstream data batched across parents. */
  upstreamLoaders: { readonly reputation: DataLoader<string, Reputation | null> };
  /** Its `signal` aborts when the client goes away: upstream calls stop with it. */
  request: Request;
  jobEvents: JobEvents;
  commentEvents: CommentEvents;
}

export interface ContextDependencies {
  prisma: PrismaClient;
  /** The primary's prepared statements, for the loaders' hot reads. */
  sql: Sql;
  /** The request's reads when they may go elsewhere (a read replica), decided once per request. */
  sqlOf?: (request: Request, viewerId: number | null) => Sql | Promise<Sql>;
  viewers: Viewers;
  /** The request's viewer, asked once per request (the response cache asks it too). */
  viewerOf?: (request: Request) => Promise<number | null>;
  upstreams: Upstreams;
  jobEvents: JobEvents;
  commentEvents: CommentEvents;
}

export function createContextFactory(deps: ContextDependencies) {
  const { viewers } = deps;
  // Plain data properties, which Yoga copies onto its context object. Accessors defined on that
  // object cost 0.02 ms per request (15% of `{ __typename }`'s CPU, measured under wrk); what most
  // operations never use (loaders, the abort signal) is made on first use inside these values instead.
  const build = (request: Request, viewerId: number | null, sql: Sql): Context => ({
    request,
    prisma: deps.prisma,
    tokens: viewers.tokens,
    viewerId,
    sql,
    loaders: createLoaders(sql, viewerId),
    upstreams: deps.upstreams,
    upstreamLoaders: new UpstreamLoaders(deps.upstreams, request),
    jobEvents: deps.jobEvents,
    commentEvents: deps.commentEvents,
  });
  const { sqlOf } = deps;
  const withSql = (request: Request, viewerId: number | null): Context | Promise<Context> => {
    if (!sqlOf) return build(request, viewerId, deps.sql);
    const sql = sqlOf(request, viewerId);
    return sql instanceof Promise
      ? sql.then((chosen) => build(request, viewerId, chosen))
      : build(request, viewerId, sql);
  };
  const viewerOf = deps.viewerOf ?? ((request: Request) => viewers.viewerIdFrom(request.headers.get("authorization")));
  return ({ request }: YogaInitialContext): Context | Promise<Context> => {
    if (!request.headers.get("authorization")) return withSql(request, null);
    return viewerOf(request).then((viewerId) => withSql(request, viewerId));
  };
}

/** Made on first use: the request's abort signal is built when first read. */
class UpstreamLoaders {
  #reputation: DataLoader<string, Reputation | null> | undefined;
  readonly #upstreams: Upstreams;
  readonly #request: Request;
  constructor(upstreams: Upstreams, request: Request) {
    this.#upstreams = upstreams;
    this.#request = request;
  }
  get reputation(): DataLoader<string, Reputation | null> {
    return (this.#reputation ??= this.#upstreams.createReputationLoader(this.#request.signal));
  }
}
