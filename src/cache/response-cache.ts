import { hashSHA256, useResponseCache } from "@graphql-yoga/plugin-response-cache";
import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLOutputType,
  OperationTypeNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import {
  analyseDocument,
  cacheScopes,
  cappedTtl,
  type DocumentFacts,
  responseTtls,
  scopeOfOperation,
  uncachedTypes,
} from "./cache-scope.ts";
import type { ResponseCacheBackend } from "./response-cache-backend.ts";
import { type CdnAnswer, useCdnHeaders } from "./cdn-headers.ts";
import { type Change, collectWrites } from "../data/write-log.ts";

/**
 * Whole-operation response cache (Yoga's response-cache plugin) on our own backend:
 * - the scope of an operation is the strictest of the fields it selects, as the schema declares
 *   them (cache-scope.ts): public responses are shared by everyone; private ones are cached per
 *   viewer, and not at all for anonymous requests; an operation selecting a NONE field is not cached;
 * - whether a request is a query, which operation runs and who asks are the request record's
 *   (graphql/request-record.ts, handed over as `records`): this plugin decides none of them;
 * - identical concurrent misses run once per instance (single flight): the first runs, the others
 *   wait for its answer to be stored and read it from the store, where invalidations apply;
 * - If-None-Match is answered 304 only for the key of the request it comes with;
 * - a deferred query (@defer, @stream) is stored whole: the plugin merges its parts and stores the
 *   final result only once the last part has arrived with no error in any part; a hit is that
 *   complete result, sent in one part;
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
  /**
   * Whether the request's answer may be stored (a cacheable query, public or with a viewer's
   * token): what a miss reads is then shared, so it reads from the primary (graphql/read-route.ts).
   */
  mayStore(request: Request): boolean;
  /** Hit or miss for a query answered through the cache; undefined for anything else. */
  statusOf(request: Request): CacheStatus | undefined;
  /** What a CDN may do with the request's answer (cdn-headers.ts), once it is stored or known not to be. */
  cdnAnswerOf(request: Request): Promise<CdnAnswer>;
}

/** A stored answer as a CDN is told about it: its index keys, its TTL, whether the store took it. */
interface StoredAnswer {
  indexes: string[];
  ttlSeconds: number;
  stored: Promise<boolean>;
}

/** What the response cache reads of the request record (graphql/request-record.ts). */
export interface RecordedRequests {
  of(
    request: Request,
  ):
    | { document: DocumentNode; operationType: OperationTypeNode | undefined; operationName: string | undefined }
    | undefined;
  viewerOf(request: Request): Promise<number | null>;
}

/** A miss being answered: identical requests arriving meanwhile wait for it to end. */
interface Flight {
  ended: Promise<void>;
  end(): void;
}

export function createResponseCache(options: {
  backend: ResponseCacheBackend;
  schema: GraphQLSchema;
  records: RecordedRequests;
  ttl: ResponseCacheTtl;
}): ResponseCache {
  const { backend, ttl } = options;
  const generations = new Map<string, number>();
  const documentIndexesByKey = new Map<string, string[]>();
  const statuses = new WeakMap<Request, CacheStatus>();
  const keysOfRequests = new WeakMap<Request, string>();
  // Per parsed document, which Yoga's parse cache shares between requests and bounds.
  const factsByDocument = new WeakMap<DocumentNode, DocumentFacts>();
  const flights = new Map<string, Flight>();
  const ledFlights = new WeakMap<Request, { key: string; flight: Flight }>();
  const storing = new Map<string, Promise<unknown>>();
  // The answer a miss stored, by request; and by key, for the hits on this instance that follow it.
  const storedOfRequests = new WeakMap<Request, StoredAnswer>();
  const storedByKey = new Map<string, StoredAnswer>();
  const requestsByKey = new Map<string, WeakRef<Request>>();
  const scopes = cacheScopes(options.schema);
  const rootListsOf = rootListFields(options.schema);
  const { defaultSeconds: defaultTtlSeconds, byType: typeTtls } = responseTtls(options.schema, ttl);

  const documentFacts = (document: DocumentNode): DocumentFacts => {
    let facts = factsByDocument.get(document);
    if (!facts) {
      facts = analyseDocument(document, options.schema, scopes);
      factsByDocument.set(document, facts);
    }
    return facts;
  };
  /** The facts of a request the cache may answer: a query (whatever else its document holds) selecting no uncached field. */
  const cacheableFacts = (request: Request | undefined): DocumentFacts | undefined => {
    const record = request && options.records.of(request);
    if (!record?.operationType) return undefined;
    const facts = documentFacts(record.document);
    return scopeOfOperation(record.operationType, facts.scope) === "NONE" ? undefined : facts;
  };
  /** Per-viewer answers are never stored for an anonymous request (no session): nothing to share or wait for. */
  const storedFor = (facts: DocumentFacts | undefined, hasSession: boolean) =>
    facts !== undefined && (facts.scope === "PUBLIC" || hasSession);

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
    // Also asked in onRequest, before any record: its If-None-Match check, which could answer any request
    // (a mutation too) with 304 for any key, stays off; onResultProcess below answers 304 for the request's own key.
    enabled: (request) => cacheableFacts(request) !== undefined,
    invalidateViaMutation: false,
    ttl: defaultTtlSeconds * 1000,
    ttlPerSchemaCoordinate: Object.fromEntries([...typeTtls].map(([type, seconds]) => [type, seconds * 1000])),
    // Besides the document check: a result holding an uncached type (a job) is never stored.
    ignoredTypes: uncachedTypes(options.schema),
    scopePerSchemaCoordinate: Object.fromEntries(
      [...scopes].filter(([, scope]) => scope === "PRIVATE").map(([coordinate]) => [coordinate, "PRIVATE"]),
    ),
    onTtl: ({ ttl: computed, context }) => {
      const facts = cacheableFacts((context as { request?: Request }).request);
      return cappedTtl(facts?.scope ?? "PRIVATE", computed, ttl.viewerSeconds * 1000);
    },
    session: async (request) => {
      if (!request.headers.get("authorization")) return null;
      const viewerId = await options.records.viewerOf(request).catch(() => null);
      // A bad token, or one whose user is gone, must reach the context (UNAUTHENTICATED), never a cached answer.
      return viewerId === null ? `invalid:${crypto.randomUUID()}` : String(viewerId);
    },
    buildResponseCacheKey: async ({ variableValues, sessionId, request }) => {
      if (sessionId?.startsWith("invalid:")) return sessionId;
      const facts = cacheableFacts(request);
      if (!facts || !storedFor(facts, Boolean(sessionId))) return `uncached:${crypto.randomUUID()}`;
      statuses.set(request, "miss");
      const scope = facts.scope === "PUBLIC" ? "public" : (sessionId ?? "anonymous");
      const name = options.records.of(request)?.operationName ?? null;
      const key = await hashSHA256(JSON.stringify([scope, name, facts.normalized, variableValues ?? {}]));
      documentIndexesByKey.set(key, facts.indexes);
      keysOfRequests.set(request, key);
      const flight = flights.get(key);
      if (flight) await flight.ended;
      else {
        const led = createFlight();
        flights.set(key, led);
        ledFlights.set(request, { key, flight: led });
        // The leader is the one whose miss stores the answer (followers read it as hits).
        requestsByKey.set(key, new WeakRef(request));
      }
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
            requestsByKey.clear();
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
        const stored = backend.set(key, JSON.stringify(result), indexes, ttlMs / 1000, generation);
        recordStored(key, { indexes, ttlSeconds: Math.floor(ttlMs / 1000), stored: stored.catch(() => false) });
        storing.set(key, stored);
        try {
          await stored;
        } finally {
          if (storing.get(key) === stored) storing.delete(key);
        }
      },
      async invalidate(entities) {
        await backend.invalidate(toIndexes(entities));
      },
    },
  });

  const recordStored = (key: string, answer: StoredAnswer) => {
    const request = requestsByKey.get(key)?.deref();
    requestsByKey.delete(key);
    if (request) storedOfRequests.set(request, answer);
    if (storedByKey.size > 10_000) storedByKey.clear();
    storedByKey.set(key, answer);
  };

  const cdnAnswerOf = async (request: Request): Promise<CdnAnswer> => {
    const facts = cacheableFacts(request);
    if (!facts) return { kind: "uncacheable" };
    if (facts.scope !== "PUBLIC") return { kind: "per-viewer" };
    const key = keysOfRequests.get(request);
    const status = statuses.get(request);
    // A hit whose miss was stored by another instance: its entity keys are unknown here, so no CDN keeps it.
    const answer =
      status === "miss" ? storedOfRequests.get(request) : status === "hit" && key ? storedByKey.get(key) : undefined;
    if (!answer || !(await answer.stored)) return { kind: "uncacheable" };
    return { kind: "shared", ttlSeconds: answer.ttlSeconds, keys: answer.indexes };
  };

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
        addPlugin(useCdnHeaders(cdnAnswerOf));
      },
      // A mutation's writes are recorded as it runs; what they changed is invalidated before it answers.
      onExecute({ args, executeFn, setExecuteFn }) {
        const request = (args.contextValue as { request: Request }).request;
        if (options.records.of(request)?.operationType !== OperationTypeNode.MUTATION) return;
        setExecuteFn(async (executeArgs) => {
          const { result, changes } = await collectWrites(async () => executeFn(executeArgs));
          await invalidate(changes);
          return result;
        });
      },
      onResultProcess({ request, result, setResultProcessor }) {
        if (!(result as Record<symbol, unknown>)[Symbol.for("servedFromResponseCache")]) return;
        statuses.set(request, "hit");
        const key = keysOfRequests.get(request);
        if (key && request.headers.get("if-none-match") === key) {
          setResultProcessor(
            (_result, fetchAPI) => new fetchAPI.Response(null, { status: 304, headers: { etag: key } }),
            "application/json",
          );
        }
      },
      // The miss this request led has ended once its answer is stored (or known not to be).
      onResponse({ request }) {
        const led = ledFlights.get(request);
        if (!led) return;
        ledFlights.delete(request);
        const end = () => {
          if (flights.get(led.key) === led.flight) flights.delete(led.key);
          led.flight.end();
        };
        void (storing.get(led.key) ?? Promise.resolve()).then(end, end);
      },
    },
    invalidate,
    // The session is null exactly when the request has no Authorization header.
    mayStore: (request) => storedFor(cacheableFacts(request), request.headers.get("authorization") !== null),
    statusOf: (request) => statuses.get(request),
    cdnAnswerOf,
  };
}

function createFlight(): Flight {
  let end = () => {};
  const ended = new Promise<void>((resolve) => (end = resolve));
  return { ended, end };
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

/**
 * A stored answer as the result a hit answers with. Its data is answered as the stored text: Yoga
 * serialises a result through its `stringify`, so a hit neither parses nor re-serialises the data
 * (the text is what JSON.stringify printed, so printing its parse would give the same bytes).
 * Only the extensions after it (Yoga's ETag and Last-Modified, under `http`) are parsed. A stored
 * entry this code cannot read (written by another version sharing the prefix) is a miss, never an error.
 */
function parseStoredResponse(value: string): ExecutionResult | undefined {
  if (value.startsWith(DATA_START) && value.endsWith("}")) {
    // The result's own extensions come last; anything that looks like them earlier is inside the data.
    const at = value.lastIndexOf(EXTENSIONS_START);
    const dataText = value.slice(DATA_START.length, at === -1 ? -1 : at);
    const extensions = at === -1 ? undefined : parseObject(value.slice(at + EXTENSIONS_START.length, -1));
    if (at === -1 || extensions) {
      return {
        ...(extensions ? { extensions } : {}),
        stringify: (result: ExecutionResult) =>
          result.extensions
            ? `${DATA_START}${dataText}${EXTENSIONS_START}${JSON.stringify(result.extensions)}}`
            : `${DATA_START}${dataText}}`,
      } as ExecutionResult;
    }
  }
  return parseObject(value) as ExecutionResult | undefined;
}

const DATA_START = '{"data":';
const EXTENSIONS_START = ',"extensions":';

function parseObject(value: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
