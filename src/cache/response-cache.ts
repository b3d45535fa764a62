import { hashSHA256, useResponseCache } from "@graphql-yoga/plugin-response-cache";
import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  type DocumentNode,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import type { TokenService } from "../auth/token.ts";
import type { ResponseCacheBackend } from "./response-cache-backend.ts";

/**
 * Whole-operation response cache (Yoga's response-cache plugin) on our own backend:
 * - public responses are shared by everyone; an operation that selects a private field
 *   (PRIVATE_FIELDS) is cached per viewer, and not at all for anonymous requests;
 * - mutations invalidate explicitly and await it (`invalidate`), before their response is sent;
 * - TTL per type; per-viewer responses live at most `viewerSeconds`.
 */

export const PRIVATE_FIELDS = ["User.email", "Post.viewerHasLiked", "Query.viewer"] as const;

export interface ResponseCacheTtl {
  tagSeconds: number;
  userSeconds: number;
  postSeconds: number;
  viewerSeconds: number;
}

/** An entity a mutation changed (`id`: database id), or a whole type whose lists changed. */
/**
 * What a mutation changed: an entity (`id`: database id), every response holding any entity of
 * a type (no id), or every response that selects a root list field (`rootField`: a new row may
 * now belong to `posts`, say, whose cached pages do not hold it yet).
 */
export type Invalidation =
  { typename: "User" | "Post" | "Comment" | "Tag"; id?: number } | { rootField: "posts" | "users" | "tags" };

export type CacheStatus = "hit" | "miss";

export interface ResponseCache {
  plugin: Plugin;
  invalidate(changes: Invalidation[]): Promise<number>;
  /** Hit or miss for a query answered through the cache; undefined for anything else. */
  statusOf(request: Request): CacheStatus | undefined;
}

interface DocumentFacts {
  isQuery: boolean;
  isPrivate: boolean;
  /**
   * Indexes known from the document alone: `t:<Type>` for each entity type it selects fields of
   * (a type-level invalidation reaches it even when a list came back empty) and `q:<field>` for
   * each root field it selects.
   */
  indexes: string[];
  /** The document printed canonically, so formatting does not split the cache. */
  normalized: string;
  /** The name of its only operation, so sending operationName or not does not split the cache. */
  onlyOperationName: string | undefined;
}

export function createResponseCache(options: {
  backend: ResponseCacheBackend;
  schema: GraphQLSchema;
  tokens: TokenService;
  ttl: ResponseCacheTtl;
}): ResponseCache {
  const { backend, ttl } = options;
  const generations = new Map<string, number>();
  const documentIndexesByKey = new Map<string, string[]>();
  const statuses = new WeakMap<Request, CacheStatus>();
  // Bounded in bytes: a few large documents must not hold more than an entry count suggests.
  const factsByDocument = new LRUCache<string, DocumentFacts>({
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (facts, source) =>
      2 * (1 + source.length + facts.normalized.length + facts.indexes.reduce((sum, index) => sum + index.length, 0)),
  });
  const privateCoordinates = new Set<string>(PRIVATE_FIELDS);

  const documentFacts = (documentString: string): DocumentFacts => {
    let facts = factsByDocument.get(documentString);
    if (!facts) {
      facts = analyse(documentString, options.schema, privateCoordinates);
      factsByDocument.set(documentString, facts);
    }
    return facts;
  };

  const toIndexes = (entities: Iterable<{ typename: string; id?: number | string }>) => {
    const indexes = new Set<string>();
    for (const entity of entities) {
      indexes.add(`t:${entity.typename}`);
      if (entity.id != null) indexes.add(`e:${entity.typename}:${entity.id}`);
    }
    return [...indexes];
  };

  const plugin = useResponseCache({
    // Only queries are cached: with invalidateViaMutation off, the plugin would cache mutations too.
    // (Before params are parsed this is asked too; buildResponseCacheKey keeps non-queries apart.)
    enabled: (_request, context) => {
      const query = (context as { params?: { query?: string } }).params?.query;
      return typeof query !== "string" || documentFacts(query).isQuery;
    },
    invalidateViaMutation: false,
    // Responses holding no entity with a TTL of its own (an empty list, a count) live this long.
    ttl: Math.min(ttl.userSeconds, ttl.postSeconds) * 1000,
    ttlPerSchemaCoordinate: {
      Tag: ttl.tagSeconds * 1000,
      User: ttl.userSeconds * 1000,
      Post: ttl.postSeconds * 1000,
      Comment: ttl.postSeconds * 1000,
    },
    scopePerSchemaCoordinate: Object.fromEntries(PRIVATE_FIELDS.map((coordinate) => [coordinate, "PRIVATE"])),
    onTtl: ({ ttl: computed, context }) => {
      const request = (context as { request?: Request }).request;
      const query = (context as { params?: { query?: string } }).params?.query;
      return query && request && documentFacts(query).isPrivate
        ? Math.min(computed, ttl.viewerSeconds * 1000)
        : computed;
    },
    session: async (request) => {
      const header = request.headers.get("authorization");
      if (!header) return null;
      const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
      const viewerId = token ? await options.tokens.verify(token) : null;
      // A bad token must reach the context (UNAUTHENTICATED), never a cached answer.
      return viewerId === null ? `invalid:${crypto.randomUUID()}` : String(viewerId);
    },
    buildResponseCacheKey: async ({ documentString, variableValues, operationName, sessionId, request }) => {
      const facts = documentFacts(documentString);
      if (sessionId?.startsWith("invalid:")) return sessionId;
      if (!facts.isQuery) return `uncached:${crypto.randomUUID()}`;
      statuses.set(request, "miss");
      const scope = facts.isPrivate ? (sessionId ?? "anonymous") : "public";
      const name = facts.onlyOperationName ?? operationName ?? null;
      const key = await hashSHA256(JSON.stringify([scope, name, facts.normalized, variableValues ?? {}]));
      documentIndexesByKey.set(key, facts.indexes);
      return key;
    },
    cache: {
      async get(key) {
        const { value, generation } = await backend.get(key);
        if (value === null) {
          // Misses that end in an error are never set; do not let their entries pile up.
          if (generations.size > 10_000) {
            generations.clear();
            documentIndexesByKey.clear();
          }
          const seen = generations.get(key);
          generations.set(key, seen === undefined ? generation : Math.min(seen, generation));
          return undefined;
        }
        return JSON.parse(value);
      },
      async set(key, result, entities, ttlMs) {
        const generation = generations.get(key);
        const documentIndexes = documentIndexesByKey.get(key) ?? [];
        generations.delete(key);
        documentIndexesByKey.delete(key);
        if (generation === undefined) return;
        const indexes = [...new Set([...toIndexes(entities), ...documentIndexes])];
        await backend.set(key, JSON.stringify(result), indexes, ttlMs / 1000, generation);
      },
      async invalidate(entities) {
        await backend.invalidate(toIndexes(entities));
      },
    },
  });

  return {
    plugin: {
      onPluginInit({ addPlugin }) {
        addPlugin(plugin);
      },
      onResultProcess({ request, result }) {
        if ((result as Record<symbol, unknown>)[Symbol.for("servedFromResponseCache")]) statuses.set(request, "hit");
      },
    },
    async invalidate(changes) {
      const indexes = changes.map((change) => {
        if ("rootField" in change) return `q:${change.rootField}`;
        if (change.id === undefined) return `t:${change.typename}`;
        return `e:${change.typename}:${encodeGlobalID(change.typename, change.id)}`;
      });
      return backend.invalidate([...new Set(indexes)]);
    },
    statusOf: (request) => statuses.get(request),
  };
}

function analyse(documentString: string, schema: GraphQLSchema, privateCoordinates: Set<string>): DocumentFacts {
  let document: DocumentNode;
  try {
    document = parse(documentString);
  } catch {
    return { isQuery: false, isPrivate: true, indexes: [], normalized: documentString, onlyOperationName: undefined };
  }
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const isQuery = operations.some((operation) => operation.operation === "query");
  const onlyOperationName = operations.length === 1 ? operations[0]?.name?.value : undefined;
  let isPrivate = false;
  const indexes = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent) {
          const parentName = getNamedType(parent).name;
          if (isObjectType(parent) && "id" in parent.getFields()) indexes.add(`t:${parentName}`);
          if (parent === schema.getQueryType()) indexes.add(`q:${node.name.value}`);
          if (privateCoordinates.has(`${parentName}.${node.name.value}`)) isPrivate = true;
        }
      },
    }),
  );
  return { isQuery, isPrivate, indexes: [...indexes], normalized: print(document), onlyOperationName };
}
