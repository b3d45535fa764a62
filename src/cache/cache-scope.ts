import {
  type DocumentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  OperationTypeNode,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";

/**
 * Who may be given a cached response, declared beside each type and field in its own file
 * (`extensions: { cacheScope }`) and read here; the cache keeps no list of its own.
 *
 * - PUBLIC: one cached answer for everyone.
 * - PRIVATE: cached per viewer (never for anonymous requests).
 * - NONE: a response that selects it is never cached.
 *
 * Default deny: a field takes its own declaration, else its type's; with neither it is PRIVATE.
 * Whatever is declared, a field with an authorization rule (scope-auth `authScopes` on the field,
 * on its type, or on the type it returns) is never PUBLIC; a field is at least as strict as the
 * type it returns (for an interface or union: the strictest type that implements it).
 */
export type CacheScope = "PUBLIC" | "PRIVATE" | "NONE";

export interface CacheScopeExtensions {
  cacheScope?: CacheScope;
  /** How long a response holding this type lives at most (an operator may override it: CACHE_TTL_<TYPE>_SECONDS). */
  cacheTtlSeconds?: number;
}

const STRICTNESS: Record<CacheScope, number> = { PUBLIC: 0, PRIVATE: 1, NONE: 2 };

export const stricter = (a: CacheScope, b: CacheScope): CacheScope => (STRICTNESS[a] >= STRICTNESS[b] ? a : b);

type WithExtensions = { extensions?: Readonly<Record<string, unknown>> | null };

const declared = (thing: WithExtensions): CacheScope | undefined =>
  (thing.extensions as CacheScopeExtensions | null | undefined)?.cacheScope;

/** Whether scope-auth guards it (Pothos keeps the options it was built with in `extensions`). */
export const hasAuthRule = (thing: WithExtensions): boolean =>
  Boolean((thing.extensions?.pothosOptions as { authScopes?: unknown } | undefined)?.authScopes);

/** The TTL in seconds each type declares (`extensions.cacheTtlSeconds`), by type name. */
export function declaredTtls(schema: GraphQLSchema): Map<string, number> {
  const ttls = new Map<string, number>();
  for (const type of Object.values(schema.getTypeMap())) {
    const ttl = (type.extensions as CacheScopeExtensions | null | undefined)?.cacheTtlSeconds;
    if (ttl) ttls.set(type.name, ttl);
  }
  return ttls;
}

/** Types that a response holding any of is never cached (runtime check on the result's entities). */
export function uncachedTypes(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && declared(type) === "NONE")
    .map((type) => type.name);
}

/** The scope of every field, by schema coordinate (`Type.field`), for object and interface types. */
export function cacheScopes(schema: GraphQLSchema): Map<string, CacheScope> {
  const typeScopes = new Map<string, CacheScope>();
  const typeScope = (type: GraphQLNamedType): CacheScope => {
    const known = typeScopes.get(type.name);
    if (known) return known;
    let scope: CacheScope = "PUBLIC";
    if (isObjectType(type)) {
      scope = declared(type) ?? "PUBLIC";
      if (hasAuthRule(type)) scope = stricter(scope, "PRIVATE");
    } else if (isAbstractType(type)) {
      for (const possible of schema.getPossibleTypes(type)) scope = stricter(scope, typeScope(possible));
    }
    typeScopes.set(type.name, scope);
    return scope;
  };

  const scopes = new Map<string, CacheScope>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values<GraphQLField<unknown, unknown>>(type.getFields())) {
      let scope = declared(field) ?? declared(type) ?? "PRIVATE";
      if (hasAuthRule(field) || hasAuthRule(type)) scope = stricter(scope, "PRIVATE");
      scope = stricter(scope, typeScope(getNamedType(field.type)));
      if (isAbstractType(type)) {
        for (const possible of schema.getPossibleTypes(type)) scope = stricter(scope, typeScope(possible));
      }
      scopes.set(`${type.name}.${field.name}`, scope);
    }
  }
  return scopes;
}

/** What the response cache knows of a document from its text alone. */
export interface DocumentFacts {
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
  /** The object types its selected fields may return (for an interface or union: those implementing it). */
  types: string[];
}

export function analyseDocument(
  document: DocumentNode,
  schema: GraphQLSchema,
  scopes: Map<string, CacheScope> = cacheScopes(schema),
): DocumentFacts {
  let scope: CacheScope = "PUBLIC";
  const indexes = new Set<string>();
  const types = new Set<string>();
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
        const type = typeInfo.getType();
        const named = type && getNamedType(type);
        if (isObjectType(named)) types.add(named.name);
        else if (isAbstractType(named)) for (const possible of schema.getPossibleTypes(named)) types.add(possible.name);
      },
    }),
  );
  return { scope, indexes: [...indexes], normalized: print(document), types: [...types] };
}

/** Only queries are answered from the cache: any other operation is NONE, whatever it selects. */
export const scopeOfOperation = (operation: OperationTypeNode, documentScope: CacheScope): CacheScope =>
  operation === OperationTypeNode.QUERY ? documentScope : "NONE";

/** A per-viewer answer lives at most as long as a viewer's answers may (`viewerTtl`, in the same unit). */
export const cappedTtl = (scope: CacheScope, ttl: number, viewerTtl: number): number =>
  scope === "PUBLIC" ? ttl : Math.min(ttl, viewerTtl);

/**
 * The TTLs answers live by: each type's declared TTL unless the operator overrides it by
 * upper-cased type name, and the default for an answer holding none of them, which is the query
 * type's TTL (what a response holding no entity with a TTL of its own, an empty list or a count, lives).
 */
export function responseTtls(
  schema: GraphQLSchema,
  ttl: { viewerSeconds: number; byType?: Readonly<Record<string, number>> },
): { defaultSeconds: number; byType: Map<string, number> } {
  const queryType = schema.getQueryType()?.name;
  const byType = new Map(
    [...declaredTtls(schema)].map(([type, seconds]) => [type, ttl.byType?.[type.toUpperCase()] ?? seconds]),
  );
  const defaultSeconds = (queryType && byType.get(queryType)) || ttl.viewerSeconds;
  if (queryType) byType.delete(queryType);
  return { defaultSeconds, byType };
}

/**
 * How long the cache keeps an operation's answer, known from its document: the shortest TTL of the
 * types it selects (the plugin takes the shortest of the types in the answer, and of those its
 * null or empty fields would hold), else the default; capped for a per-viewer answer. An answer
 * that lacks some selected type may live longer.
 */
export function documentTtlSeconds(
  facts: Pick<DocumentFacts, "scope" | "types">,
  ttls: { defaultSeconds: number; byType: Map<string, number> },
  viewerSeconds: number,
): number {
  const declared = facts.types.flatMap((type) => ttls.byType.get(type) ?? []);
  const seconds = declared.length > 0 ? Math.min(...declared) : ttls.defaultSeconds;
  return cappedTtl(facts.scope, seconds, viewerSeconds);
}
