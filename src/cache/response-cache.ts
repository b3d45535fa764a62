import { hashSHA256, useResponseCache } from "@graphql-yoga/plugin-response-cache";
import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLOutputType,
  Kind,
  OperationTypeNode,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import type { Viewers } from "../auth/viewer.ts";
import { type CacheScope, cacheScopes, declaredTtls, stricter, uncachedTypes } from "./cache-scope.ts";
import type { ResponseCacheBackend } from "./response-cache-backend.ts";
import { type Change, collectWrites } from "../data/write-log.ts";

/**
 * Whole-operation response cache (Yoga's response-cache plugin) on our own backend:
 * - the scope of an operation is the strictest of the fields it selects, as the schema declares
 *   them (cache-scope.ts): public responses are shared by everyone; private ones are cached per
 *   viewer, and not at all for anonymous requests; an operation selecting a NONE field is not cached;
 * - a mutation invalidates what its writes changed (write-log.ts) and awaits it before answering;
 * - TTL per type, as each type declares it (`extensions.cacheTtlSeconds`) unless the operator
 *   overrides it by type name; per-viewer responses live at most `viewerSeconds`.
 */

export interface ResponseCacheTtl {
  /** The most a per-viewer response lives. */
  viewerSeconds: number;
  /** Operator overrides of declared TTLs, by upper-cased type name (CACHE_TTL_<TYPE>_SECONDS). */
  byType?: Readonly<Record<string, number>>;
}

/** What a write changed (write-log.ts): an entity, every entity of a type, or the root lists of a type. */
export type Invalidation = Change;

export type CacheStatus = "hit" | "miss";

export interface ResponseCache {
  plugin: Plugin;
  invalidate(changes: Invalidation[]): Promise<number>;
  /** Hit or miss for a query answered through the cache; undefined for anything else. */
  statusOf(request: Request): CacheStatus | undefined;
}

interface DocumentFacts {
  /**
   * The type of each operation by name ("" for an anonymous one): whether a request is a query
   * depends on the operation its operationName selects, not on what else the document holds.
   */
  operationTypes: ReadonlyMap<string, OperationTypeNode>;
  /** The strictest cache scope of the fields it selects. */
  scope: CacheScope;
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
  viewers: Viewers;
  ttl: ResponseCacheTtl;
}): ResponseCache {
  const { backend, ttl } = options;
  const generations = new Map<string, number>();
  const documentIndexesByKey = new Map<string, string[]>();
  const statuses = new WeakMap<Request, CacheStatus>();
  /** Requests whose cache key Yoga has built (in its onParams): only those may read or write the cache. */
  const keyed = new WeakSet<object>();
  // Bounded in bytes: a few large documents must not hold more than an entry count suggests.
  const factsByDocument = new LRUCache<string, DocumentFacts>({
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (facts, source) =>
      2 * (1 + source.length + facts.normalized.length + facts.indexes.reduce((sum, index) => sum + index.length, 0)),
  });
  const scopes = cacheScopes(options.schema);
  const rootListsOf = rootListFields(options.schema);
  const queryType = options.schema.getQueryType()?.name;
  const typeTtls = new Map(
    [...declaredTtls(options.schema)].map(([type, seconds]) => [type, ttl.byType?.[type.toUpperCase()] ?? seconds]),
  );
  // The query type's TTL is the default: what a response holding no entity with a TTL of its own (an empty list, a count) lives.
  const defaultTtlSeconds = (queryType && typeTtls.get(queryType)) || ttl.viewerSeconds;
  if (queryType) typeTtls.delete(queryType);

  const documentFacts = (documentString: string): DocumentFacts => {
    let facts = factsByDocument.get(documentString);
    if (!facts) {
      facts = analyse(documentString, options.schema, scopes);
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
      const params = (context as { params?: { query?: string; operationName?: string | null } }).params;
      if (typeof params?.query !== "string") return true;
      // Keys are built in Yoga's onParams, which graphql-ws does not run: a WebSocket operation is
      // answered uncached (asking the plugin for its key would throw and close the socket with 4500).
      if (!keyed.has(context as object)) return false;
      const facts = documentFacts(params.query);
      return isQuery(facts, params.operationName) && facts.scope !== "NONE";
    },
    invalidateViaMutation: false,
    ttl: defaultTtlSeconds * 1000,
    ttlPerSchemaCoordinate: Object.fromEntries([...typeTtls].map(([type, seconds]) => [type, seconds * 1000])),
    // Besides the document check: a result holding an uncached type (a job) is never stored.
    ignoredTypes: uncachedTypes(options.schema),
    scopePerSchemaCoordinate: Object.fromEntries(
      [...scopes].filter(([, scope]) => scope === "PRIVATE").map(([coordinate]) => [coordinate, "PRIVATE"]),
    ),
    onTtl: ({ ttl: computed, context }) => {
      const request = (context as { request?: Request }).request;
      const query = (context as { params?: { query?: string } }).params?.query;
      return query && request && documentFacts(query).scope !== "PUBLIC"
        ? Math.min(computed, ttl.viewerSeconds * 1000)
        : computed;
    },
    session: async (request) => {
      const header = request.headers.get("authorization");
      if (!header) return null;
      const viewerId = await options.viewers.viewerIdFrom(header).catch(() => null);
      // A bad token, or one whose user is gone, must reach the context (UNAUTHENTICATED), never a cached answer.
      return viewerId === null ? `invalid:${crypto.randomUUID()}` : String(viewerId);
    },
    buildResponseCacheKey: async ({ documentString, variableValues, operationName, sessionId, request, context }) => {
      keyed.add(context as object);
      const facts = documentFacts(documentString);
      if (sessionId?.startsWith("invalid:")) return sessionId;
      if (!isQuery(facts, operationName) || facts.scope === "NONE") return `uncached:${crypto.randomUUID()}`;
      statuses.set(request, "miss");
      const scope = facts.scope === "PUBLIC" ? "public" : (sessionId ?? "anonymous");
      const name = facts.onlyOperationName ?? operationName ?? null;
      const key = await hashSHA256(JSON.stringify([scope, name, facts.normalized, variableValues ?? {}]));
      documentIndexesByKey.set(key, facts.indexes);
      return key;
    },
    cache: {
      async get(key) {
        const { value, generation } = await backend.get(key);
        const cached = value === null ? undefined : parseStoredResponse(value);
        if (cached === undefined) {
          // Misses that end in an error are never set; do not let their entries pile up.
          if (generations.size > 10_000) {
            generations.clear();
            documentIndexesByKey.clear();
          }
          const seen = generations.get(key);
          generations.set(key, seen === undefined ? generation : Math.min(seen, generation));
          return undefined;
        }
        return cached;
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

  const invalidate = async (changes: Invalidation[]) => {
    if (changes.some((change) => "everything" in change)) {
      await backend.invalidateAll();
      return 0;
    }
    const indexes = changes.flatMap((change) => {
      if ("everything" in change) return [];
      if ("listOf" in change) return (rootListsOf.get(change.listOf) ?? []).map((field) => `q:${field}`);
      if (change.id === undefined) return [`t:${change.typename}`];
      return [`e:${change.typename}:${encodeGlobalID(change.typename, change.id)}`];
    });
    return indexes.length === 0 ? 0 : backend.invalidate([...new Set(indexes)]);
  };

  return {
    plugin: {
      onPluginInit({ addPlugin }) {
        addPlugin(plugin);
      },
      // A mutation's writes are recorded as it runs; what they changed is invalidated before it answers.
      onExecute({ args, executeFn, setExecuteFn }) {
        if (getOperationAST(args.document, args.operationName)?.operation !== "mutation") return;
        setExecuteFn(async (executeArgs) => {
          const { result, changes } = await collectWrites(async () => executeFn(executeArgs));
          await invalidate(changes);
          return result;
        });
      },
      onResultProcess({ request, result }) {
        if ((result as Record<symbol, unknown>)[Symbol.for("servedFromResponseCache")]) statuses.set(request, "hit");
      },
    },
    invalidate,
    statusOf: (request) => statuses.get(request),
  };
}

/**
 * Whether the operation `operationName` selects is a query (graphql-js's rule: the named one, or the
 * only one when no name is sent). Anything it cannot tell (no such operation, several without a name)
 * is not: execution will refuse it, and nothing is read from or written to the cache for it.
 */
function isQuery(facts: DocumentFacts, operationName: string | null | undefined): boolean {
  if (operationName) return facts.operationTypes.get(operationName) === OperationTypeNode.QUERY;
  if (facts.operationTypes.size !== 1) return false;
  return facts.operationTypes.values().next().value === OperationTypeNode.QUERY;
}

function analyse(documentString: string, schema: GraphQLSchema, scopes: Map<string, CacheScope>): DocumentFacts {
  let document: DocumentNode;
  try {
    document = parse(documentString);
  } catch {
    return {
      operationTypes: new Map(),
      scope: "NONE",
      indexes: [],
      normalized: documentString,
      onlyOperationName: undefined,
    };
  }
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const operationTypes = new Map(operations.map((operation) => [operation.name?.value ?? "", operation.operation]));
  const onlyOperationName = operations.length === 1 ? operations[0]?.name?.value : undefined;
  let scope: CacheScope = "PUBLIC";
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
          // A field the schema does not know (a typo) is answered with an error: nothing to share.
          if (!node.name.value.startsWith("__")) {
            scope = stricter(scope, scopes.get(`${parentName}.${node.name.value}`) ?? "NONE");
          }
        }
      },
    }),
  );
  return { operationTypes, scope, indexes: [...indexes], normalized: print(document), onlyOperationName };
}

/** Root fields that list a type (a list of it, or a connection whose edges hold it), by type name. */
function rootListFields(schema: GraphQLSchema): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  const unwrap = (type: GraphQLOutputType): GraphQLOutputType => (isNonNullType(type) ? type.ofType : type);
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    const type = unwrap(field.type);
    let listed: string | undefined;
    if (isListType(type)) listed = getNamedType(type).name;
    else if (isObjectType(type)) {
      const edges = type.getFields().edges;
      const edge = edges && getNamedType(edges.type);
      const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
      if (node) listed = getNamedType(node.type).name;
    }
    if (listed) lists.set(listed, [...(lists.get(listed) ?? []), field.name]);
  }
  return lists;
}

/** A stored entry this code cannot read (written by another version sharing the prefix) is a miss, never an error. */
function parseStoredResponse(value: string): ExecutionResult | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? (parsed as ExecutionResult) : undefined;
  } catch {
    return undefined;
  }
}
