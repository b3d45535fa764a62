import { describe, expect, it } from "vitest";
import { parse } from "graphql";
import { GRAPHIQL_TABS } from "../src/graphql/graphiql.ts";
import { operationCost } from "../src/graphql/cost.ts";
import { schema } from "../src/schema/index.ts";
import { ScriptedUpstream } from "./helpers/scripted-upstream.ts";
import { signUpUser } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const geo = await new ScriptedUpstream().start();
let releaseGeo: () => void = () => undefined;
geo.otherwise(() => ({ holdUntil: () => new Promise<void>((resolve) => (releaseGeo = resolve)) }));

const server = await useTestServer({ RESPONSE_CACHE: "off" });
// A second instance on the same database whose geo service answers only when the test says so.
const deadlined = await useTestServer(
  {
    RESPONSE_CACHE: "off",
    GRAPHQL_EXECUTION_TIMEOUT_MS: "1000", // long enough to reach the held upstream on a busy machine
    UPSTREAM_GEO_URL: geo.url,
    UPSTREAM_TIMEOUT_MS: "60000",
    UPSTREAM_RETRIES: "0",
  },
  server.url,
);

const cost = (query: string, variableValues: Record<string, unknown> = {}) =>
  operationCost(schema, { document: parse(query), variableValues });

const ATTACK = `{ ${Array.from(
  { length: 30 },
  (_, i) =>
    `a${i}: users(first: 100) { edges { node { posts(first: 100) { edges { node { comments(first: 100) { edges { node { body author { handle } } } } } } } } } }`,
).join(" ")} }`;

describe("cost analysis", () => {
  it("counts nodes(ids:) by the ids asked for, literal or in variables, and caps them at 100", async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`Post:${i + 1}`).toString("base64"));
    const selection = "id ... on Post { title }";
    expect(cost(`{ nodes(ids: ${JSON.stringify(ids(3))}) { ${selection} } }`)).toBe(1 + 3 * 2);
    expect(cost(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${selection} } }`, { ids: ids(50) })).toBe(1 + 50 * 2);
    // The flood tried from outside: 6,000 ids under a deep selection is refused before it runs.
    const deep =
      "... on User { posts(first: 20) { edges { node { comments(first: 20) { edges { node { body } } } } } } }";
    const flood = await server.execute(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${deep} } }`, {
      variables: { ids: ids(6_000) },
    });
    expect(errorCodes(flood)).toEqual(["COST_LIMIT_EXCEEDED"]);
    expect(flood.data ?? null).toBeNull();
    const over = await server.execute(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      variables: { ids: ids(101) },
    });
    expect(errorCodes(over)).toEqual(["BAD_USER_INPUT"]);
    expect(over.errors?.[0]?.extensions?.field).toBe("ids");
  });

  it("multiplies connections by first/last (the default page size without), weighs upstreams, adds aliases", () => {
    // users: 1 + page × (edges 1 + node 1 + handle 1)
    expect(cost("{ users(first: 1) { edges { node { handle } } } }")).toBe(1 + 1 * 3);
    expect(cost("{ users(first: 100) { edges { node { handle } } } }")).toBe(1 + 100 * 3);
    expect(cost("{ users(last: 7) { edges { node { handle } } } }")).toBe(1 + 7 * 3);
    expect(cost("{ users { edges { node { handle } } } }")).toBe(1 + 20 * 3);
    expect(cost("query ($n: Int) { users(first: $n) { edges { node { handle } } } }", { n: 50 })).toBe(1 + 50 * 3);
    // Over the maximum page size is refused while costing, before anything executes.
    expect(() => cost("{ users(first: 100000) { edges { node { handle } } } }")).toThrow(/between 0 and 100/);
    // A count is a counter column (a plain field); an upstream field weighs 10.
    expect(cost("{ users(first: 1) { edges { node { postCount } } } }")).toBe(1 + 1 * (2 + 1));
    expect(cost('{ user(handle: "x") { insights { reputation { score } } } }')).toBe(1 + 1 + 10 + 1);
    // Aliases add up.
    expect(
      cost("{ a: users(first: 1) { edges { node { handle } } } b: users(first: 1) { edges { node { handle } } } }"),
    ).toBe(2 * 4);
    expect(cost(ATTACK)).toBeGreaterThan(100_000_000);
  });

  it("lets every GraphiQL example through the default budget", () => {
    for (const tab of GRAPHIQL_TABS) {
      const document = parse(tab.query ?? "");
      for (const definition of document.definitions) {
        if (definition.kind !== "OperationDefinition") continue;
        const value = operationCost(schema, {
          document,
          operationName: definition.name?.value,
          variableValues: { id: "Sm9iOjE" },
        });
        expect(value, definition.name?.value).toBeTypeOf("number");
        expect(value, definition.name?.value).toBeLessThanOrEqual(server.config.limits.maxCost);
      }
    }
  });

  it("refuses the 30-alias users > posts > comments query before execution: no SQL statement runs", async () => {
    const result = await server.execute(ATTACK);
    expect(errorCodes(result)).toEqual(["COST_LIMIT_EXCEEDED"]);
    expect(result.errors?.[0]?.message).toMatch(/costs \d{9}, over the limit of 300000/);
    expect(result.data ?? null).toBeNull();
    expect(result.statements).toBe(0);
  });

  it("runs an operation within the budget", async () => {
    const result = await server.execute("{ users(first: 100) { edges { node { handle postCount } } } }");
    expect(result.errors).toBeUndefined();
  });
});

describe("execution deadline", () => {
  it("answers EXECUTION_TIMEOUT when an operation outlives GRAPHQL_EXECUTION_TIMEOUT_MS", async () => {
    const { handle } = await signUpUser(server);
    try {
      const result = await deadlined.execute(`{ user(handle: "${handle}") { insights { location { country } } } }`);
      expect(errorCodes(result)).toEqual(["EXECUTION_TIMEOUT"]);
      expect(geo.count()).toBe(1);
    } finally {
      releaseGeo();
    }
  });
});
