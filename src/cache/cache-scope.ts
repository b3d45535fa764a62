import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
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
