import SchemaBuilder from "@pothos/core";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { type GraphQLField, type GraphQLSchema, getNamedType, isInterfaceType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { type CacheScope, cacheScopes, hasAuthRule } from "../src/cache/cache-scope.ts";
import { schema } from "../src/schema/index.ts";
import { OWNER_RULE } from "../src/schema/owner-rule.ts";

// Walks the whole schema: no field behind an authorization rule, on an owner-only type, or
// reading the viewer can be cached publicly, whatever its file declares. A new type cannot forget.

function fieldsOf(target: GraphQLSchema) {
  return Object.values(target.getTypeMap()).flatMap((type) =>
    !type.name.startsWith("__") && (isObjectType(type) || isInterfaceType(type))
      ? Object.values<GraphQLField<unknown, unknown>>(type.getFields()).map((field) => ({ type, field }))
      : [],
  );
}

const ownerOnly = (type: { extensions?: Readonly<Record<string, unknown>> | null }) =>
  Boolean(type.extensions?.[OWNER_RULE]);

/** Fields the cache would share between viewers although something makes them per-viewer. */
function publicButGuarded(target: GraphQLSchema): string[] {
  const scopes = cacheScopes(target);
  return fieldsOf(target)
    .filter(({ type, field }) => {
      const returned = getNamedType(field.type);
      const resolver = String((field.extensions?.pothosOptions as { resolve?: unknown } | undefined)?.resolve ?? "");
      return (
        hasAuthRule(field) ||
        hasAuthRule(type) ||
        hasAuthRule(returned) ||
        ownerOnly(type) ||
        ownerOnly(returned) ||
        /\bviewer/i.test(resolver)
      );
    })
    .map(({ type, field }) => `${type.name}.${field.name}`)
    .filter((coordinate) => scopes.get(coordinate) === "PUBLIC");
}

describe("cache scope derived from the schema", () => {
  it("never makes a field behind an authorization rule, on an owner-only type or reading the viewer public", () => {
    expect(publicButGuarded(schema)).toEqual([]);
  });

  it("declares only known scopes", () => {
    const known = new Set<unknown>(["PUBLIC", "PRIVATE", "NONE", undefined]);
    const declarations = [
      ...Object.values(schema.getTypeMap()).map((type) => [type.name, type.extensions?.cacheScope]),
      ...fieldsOf(schema).map(({ type, field }) => [`${type.name}.${field.name}`, field.extensions?.cacheScope]),
    ];
    expect(declarations.filter(([, scope]) => !known.has(scope))).toEqual([]);
  });

  it("derives the scopes the type files declare: public content, per-viewer fields, uncached jobs", () => {
    const scopes = cacheScopes(schema);
    expect(scopes.get("Query.posts")).toBe("PUBLIC");
    expect(scopes.get("Post.title")).toBe("PUBLIC");
    expect(scopes.get("User.insights")).toBe("PUBLIC");
    expect(scopes.get("Post.viewerHasLiked")).toBe("PRIVATE");
    expect(scopes.get("User.email")).toBe("PRIVATE");
    expect(scopes.get("Query.viewer")).toBe("PRIVATE");
    expect(scopes.get("Query.job")).toBe("NONE");
    expect(scopes.get("User.jobs")).not.toBe("PUBLIC");
    expect(scopes.get("Job.status")).toBe("NONE");
    // `node` may return a job: never shared.
    expect(scopes.get("Query.node")).toBe("NONE");
  });

  it("keeps a guarded field private even when its file declares it public, and denies what declares nothing", () => {
    const builder = new SchemaBuilder<{ AuthScopes: { loggedIn: boolean }; Context: object }>({
      plugins: [ScopeAuthPlugin],
      scopeAuth: { authScopes: () => ({ loggedIn: true }) },
      // The app's builder type (plugin-prisma's global options) asks for `prisma`: not used here.
    } as never);
    const Secret = builder.objectRef<{ value: string }>("Secret").implement({
      authScopes: { loggedIn: true },
      extensions: { cacheScope: "PUBLIC" },
      fields: (t) => ({ value: t.exposeString("value", { extensions: { cacheScope: "PUBLIC" } }) }),
    });
    const Open = builder.objectRef<{ value: string }>("Open").implement({
      fields: (t) => ({ value: t.exposeString("value") }),
    });
    builder.queryType({
      extensions: { cacheScope: "PUBLIC" },
      fields: (t) => ({
        secret: t.field({ type: Secret, resolve: () => ({ value: "s" }) }),
        guarded: t.string({
          authScopes: { loggedIn: true },
          extensions: { cacheScope: "PUBLIC" },
          resolve: () => "g",
        }),
        open: t.field({ type: Open, resolve: () => ({ value: "o" }) }),
      }),
    });
    const scopes = cacheScopes(builder.toSchema());
    const expected: Record<string, CacheScope> = {
      "Query.secret": "PRIVATE",
      "Secret.value": "PRIVATE",
      "Query.guarded": "PRIVATE",
      "Query.open": "PUBLIC",
      "Open.value": "PRIVATE",
    };
    expect(Object.fromEntries(Object.keys(expected).map((key) => [key, scopes.get(key)]))).toEqual(expected);
  });
});
