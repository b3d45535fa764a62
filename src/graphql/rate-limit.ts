import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import {
  type DocumentNode,
  type FieldNode,
  getArgumentValues,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../observability/logger.ts";
import type { RateLimit, RateLimitConfig } from "../config.ts";
import {
  createMemoryRateLimitStore,
  createRedisRateLimitStore,
  type RateLimitDecision,
  type RateLimitStore,
} from "../cache/rate-limit-store.ts";
import type { RedisClient } from "../cache/redis.ts";
import type { RateLimitRule } from "../schema/rate-limit-rule.ts";

export interface RateLimitOptions {
  store: RateLimitStore;
  config: RateLimitConfig;
  graphqlEndpoint: string;
  /** The operation each request runs, from its request record (request-record.ts). */
  operationOf: (request: Request) => OperationDefinitionNode | undefined;
  now?: () => number;
}

/** Rate limits counted in Redis when REDIS_URL is set (shared by every instance), else in memory. */
export function useConfiguredRateLimits(options: {
  rateLimits: RateLimitConfig;
  /** CACHE_KEY_PREFIX: instances sharing it share their counters. */
  keyPrefix: string;
  redis: RedisClient | undefined;
  logger?: Logger;
  graphqlEndpoint: string;
  operationOf: RateLimitOptions["operationOf"];
}): Plugin {
  const { rateLimits, keyPrefix, redis, logger, graphqlEndpoint, operationOf } = options;
  const store = redis
    ? createRedisRateLimitStore(redis, { prefix: `${keyPrefix}:rl`, logger })
    : createMemoryRateLimitStore();
  return useRateLimits({ store, config: rateLimits, graphqlEndpoint, operationOf });
}

/**
 * Throttling before any work: the operation budget is spent in onRequest (before the body is
 * parsed), the limits of rate-limited mutation fields in onExecute (before any resolver, so a
 * refused logIn costs no password hash): per account from each client address, and per address
 * across accounts. Over a limit the client gets HTTP 429, `extensions.code` RATE_LIMITED,
 * `extensions.retryAfterSeconds` and a Retry-After header. Requests without a socket (in-process
 * `yoga.fetch`: cache warm-up, tests) have no address and are counted per account only.
 */
export function useRateLimits({
  store,
  config,
  graphqlEndpoint,
  operationOf,
  now = Date.now,
}: RateLimitOptions): Plugin {
  const consume = (key: string, limit: RateLimit | null): Promise<RateLimitDecision> | undefined =>
    limit ? store.consume(key, limit, now()) : undefined;
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (!config.operations || url.pathname !== graphqlEndpoint || request.method === "OPTIONS") return;
      const address = clientAddress(request.headers, serverContext, config.trustProxyHops);
      if (!address) return;
      const decision = await store.consume(`operations:address:${digest(address)}`, config.operations, now());
      if (decision.allowed) return;
      const error = rateLimitedError(decision.retryAfterSeconds);
      endResponse(
        fetchAPI.Response.json(
          {
            errors: [
              {
                message: error.message,
                extensions: { code: "RATE_LIMITED", retryAfterSeconds: decision.retryAfterSeconds },
              },
            ],
          },
          { status: 429, headers: { "retry-after": String(decision.retryAfterSeconds) } },
        ),
      );
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as Record<string, unknown> & { request: Request };
      const operation = operationOf(context.request);
      if (!operation) return;
      const address = clientAddress(context.request.headers, context, config.trustProxyHops);
      const pending: Promise<RateLimitDecision>[] = [];
      for (const { node, field, rule } of rateLimitedRootFields(args.schema, args.document, operation)) {
        const limits = config[rule.action];
        const account = accountOf(rule, field, node, args.variableValues);
        if (account) pending.push(...defined(consume(accountKey(rule.action, account, address), limits.account)));
        if (address) pending.push(...defined(consume(`${rule.action}:address:${digest(address)}`, limits.address)));
      }
      if (pending.length === 0) return;
      const refusals = (await Promise.all(pending)).filter((decision) => !decision.allowed);
      if (refusals.length === 0) return;
      const retryAfterSeconds = Math.max(...refusals.map((decision) => decision.retryAfterSeconds));
      setResultAndStopExecution({ errors: [rateLimitedError(retryAfterSeconds)] });
    },
  };
}

export function rateLimitedError(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many attempts: try again in ${retryAfterSeconds} s`, {
    extensions: {
      code: "RATE_LIMITED",
      retryAfterSeconds,
      http: { status: 429, headers: { "retry-after": String(retryAfterSeconds) } },
    },
  });
}

/**
 * An account's attempts are counted per client address: a stranger who spends them locks only
 * their own address out, never the owner elsewhere (the address's own limit caps the stranger
 * across accounts).
 */
const accountKey = (action: string, account: string, address: string | undefined) =>
  address ? `${action}:account:${digest(account)}:address:${digest(address)}` : `${action}:account:${digest(account)}`;

const defined = <T>(value: T | undefined): T[] => (value === undefined ? [] : [value]);

function accountOf(
  rule: RateLimitRule,
  field: Parameters<typeof getArgumentValues>[0],
  node: FieldNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string | undefined {
  try {
    const account = rule.account(getArgumentValues(field, node, variables ?? {}));
    return typeof account === "string" ? account.trim().toLowerCase() : undefined;
  } catch {
    return undefined; // bad arguments: execution reports them
  }
}

/** The root fields of a mutation that declare a rate limit (`extensions.rateLimit`), each with its rule. */
export function* rateLimitedRootFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): Generator<{ node: FieldNode; field: GraphQLField<unknown, unknown>; rule: RateLimitRule }> {
  const mutation = schema.getMutationType();
  if (!mutation || operation.operation !== "mutation") return;
  for (const node of rootFields(document, operation.selectionSet)) {
    const field = mutation.getFields()[node.name.value];
    const rule = field?.extensions?.rateLimit as RateLimitRule | undefined;
    if (field && rule) yield { node, field, rule };
  }
}

/** The mutation's root fields, through fragments; aliases count once each. */
function* rootFields(
  document: DocumentNode,
  selectionSet: SelectionSetNode,
  seen = new Set<string>(),
): Generator<FieldNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) yield selection;
    else if (selection.kind === Kind.INLINE_FRAGMENT) yield* rootFields(document, selection.selectionSet, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) yield* rootFields(document, fragment.selectionSet, seen);
    }
  }
}

/**
 * The client's address: the socket's peer, or with `hops` trusted reverse proxies in front,
 * the X-Forwarded-For entry the outermost of them appended (entries left of it are client-supplied).
 */
export function clientAddress(
  headers: Headers | undefined,
  serverContext: Record<string, unknown> | undefined,
  hops: number,
): string | undefined {
  const socketAddress = (serverContext?.req as IncomingMessage | undefined)?.socket?.remoteAddress;
  if (!socketAddress || hops === 0) return socketAddress;
  const forwarded = headers?.get("x-forwarded-for");
  const entries =
    forwarded
      ?.split(",")
      .map((entry) => entry.trim())
      .filter(Boolean) ?? [];
  return entries[entries.length - hops] ?? entries[0] ?? socketAddress;
}

/** Keys never hold an email or an address in clear. */
const digest = (value: string) => createHash("sha256").update(value).digest("base64url").slice(0, 22);
