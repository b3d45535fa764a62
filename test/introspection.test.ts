import { getIntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { signUpUser } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const development = await useTestServer();
const production = await useTestServer({ NODE_ENV: "production" }, development.url);
// The response cache on: an answer given to a viewer must not reach an anonymous request.
const authenticated = await useTestServer({ INTROSPECTION: "authenticated", RESPONSE_CACHE: "on" }, development.url);
const viewer = await signUpUser(development, "introspector");

// What GraphiQL sends when it loads (graphql-js's query with the options GraphiQL turns on).
const GRAPHIQL_INTROSPECTION = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true });
const SCHEMA = "{ __schema { queryType { name } } }";
const TYPE = '{ __type(name: "Post") { name fields { name } } }';
const IN_A_FRAGMENT = "query Q { ...Hidden } fragment Hidden on Query { ... on Query { __schema { types { name } } } }";
const aliasedSchemas = (count: number) =>
  `{ ${Array.from(
    { length: count },
    (_, i) =>
      `s${i}: __schema { types { name fields { name type { name kind ofType { name kind } } args { name } } } }`,
  ).join(" ")} }`;

describe("introspection in development (INTROSPECTION defaults to on)", () => {
  it("answers GraphiQL's introspection query", async () => {
    const result = await development.execute(GRAPHIQL_INTROSPECTION);
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ __schema: { queryType: { name: "Query" } } });
  });

  it("refuses 29 aliased __schema selections as too costly (they answered 0.5 MB for 3 KB), with 400", async () => {
    const result = await development.execute(aliasedSchemas(29));
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(["INTROSPECTION_LIMIT_EXCEEDED"]);
    expect(result.errors?.[0]?.extensions?.cost).toBeGreaterThan(Number(result.errors?.[0]?.extensions?.maxCost));
    expect(result.data).toBeUndefined();
  });

  it("allows two, as a client asking twice in one document would", async () => {
    const result = await development.execute(aliasedSchemas(2));
    expect(result.errors).toBeUndefined();
  });
});

describe("introspection in production (INTROSPECTION defaults to off)", () => {
  it.each([
    ["__schema", SCHEMA],
    ["__type(name:)", TYPE],
    ["__schema inside fragments", IN_A_FRAGMENT],
    ["GraphiQL's query", GRAPHIQL_INTROSPECTION],
  ])("refuses %s with INTROSPECTION_DISABLED and 403", async (_case, query) => {
    const result = await production.execute(query);
    expect(result.status).toBe(403);
    expect(errorCodes(result)).toEqual(["INTROSPECTION_DISABLED"]);
    expect(result.data).toBeUndefined();
  });

  it("still answers __typename", async () => {
    const result = await production.execute("{ __typename posts(first: 1) { __typename } }");
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ __typename: "Query", posts: { __typename: "QueryPostsConnection" } });
  });
});

describe("INTROSPECTION=authenticated", () => {
  it("answers a viewer with a valid token, then refuses the same document anonymously (401), cached or not", async () => {
    const allowed = await authenticated.execute(TYPE, { token: viewer.token });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data).toMatchObject({ __type: { name: "Post" } });
    const anonymous = await authenticated.execute(TYPE);
    expect(anonymous.status).toBe(401);
    expect(errorCodes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
    expect(anonymous.data).toBeUndefined();
  });

  it("refuses an invalid token as any request with one is refused", async () => {
    const result = await authenticated.execute(SCHEMA, { token: "not-a-token" });
    expect(result.status).toBe(401);
    expect(errorCodes(result)).toEqual(["UNAUTHENTICATED"]);
  });

  it("still counts a viewer's introspection against the limit", async () => {
    const result = await authenticated.execute(aliasedSchemas(29), { token: viewer.token });
    expect(errorCodes(result)).toEqual(["INTROSPECTION_LIMIT_EXCEEDED"]);
  });
});
