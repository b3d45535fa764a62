import { parse, validate } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import { GRAPHIQL_TABS } from "../src/graphql/graphiql.ts";
import { schema } from "../src/schema/index.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { statementsFrom, useTestServer } from "./helpers/server.ts";

const server = await useTestServer({
  GRAPHQL_MAX_DEPTH: "6",
  GRAPHQL_MAX_ALIASES: "5",
  GRAPHQL_MAX_BODY_BYTES: "2000",
});
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${http.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

const codes = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.map((e) => e.extensions?.code);

describe("over HTTP", () => {
  it("answers /healthz and /readyz (database reachable, no pending migration)", async () => {
    const health = await fetch(`${http.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${http.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok", database: "ok", pendingMigrations: [], jobEvents: "ok" });
  });

  it("reports the request's SQL and cache status in a Server-Timing header", async () => {
    const result = await post({ query: "{ users(first: 2) { edges { node { handle } } } }" });
    expect(result.status).toBe(200);
    expect(result.headers.get("server-timing")).toMatch(/^cache;desc="miss", sql;dur=\d+\.\d{2};desc="1 statement"$/);
    expect(statementsFrom(result.headers)).toBe(1);
    const again = await post({ query: "{ users(first: 2) { edges { node { handle } } } }" });
    expect(again.headers.get("server-timing")).toMatch(/^cache;desc="hit", sql;dur=0\.00;desc="0 statements"$/);
  });

  it("serves GraphiQL with the example operations to a browser", async () => {
    const response = await fetch(`${http.url}/graphql`, { headers: { accept: "text/html" } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain("Sokudo GraphiQL");
    expect(html).toContain("LatestPosts");
    expect(html).not.toContain("unpkg.com");
  });

  it("offers example operations that are all valid against the schema", () => {
    expect(GRAPHIQL_TABS.length).toBeGreaterThanOrEqual(6);
    for (const tab of GRAPHIQL_TABS) {
      const errors = validate(schema, parse(tab.query ?? ""));
      expect(
        errors.map((error) => error.message),
        tab.query?.slice(0, 80),
      ).toEqual([]);
    }
  });
});

describe("bad requests get a clear error with a code, and the server keeps serving", () => {
  it.each([
    ["a syntax error", { query: "{ users(first: 2) { edges { node { handle }" }, "GRAPHQL_PARSE_FAILED"],
    ["an unknown field", { query: "{ nope }" }, "GRAPHQL_VALIDATION_FAILED"],
    [
      "a wrong variable type",
      { query: "query Q($n: Int) { users(first: $n) { edges { node { id } } } }", variables: { n: "ten" } },
      "BAD_USER_INPUT",
    ],
    [
      "a missing required variable",
      { query: "query Q($h: String!) { user(handle: $h) { id } }", variables: {} },
      "BAD_USER_INPUT",
    ],
    [
      "a too deep query",
      {
        query:
          "{ users { edges { node { posts { edges { node { author { posts { edges { node { id } } } } } } } } } } }",
      },
      "DEPTH_LIMIT_EXCEEDED",
    ],
    [
      "too many aliases",
      { query: "{ a: tags { id } b: tags { id } c: tags { id } d: tags { id } e: tags { id } f: tags { id } }" },
      "ALIAS_LIMIT_EXCEEDED",
    ],
  ])("%s", async (_case, body, code) => {
    const result = await post(body);
    expect(result.status).toBeGreaterThanOrEqual(200);
    expect(codes(result.body)).toContain(code);
    expect(result.body.errors[0].message).not.toMatch(/Unexpected error/);
  });

  it("rejects a body that is not JSON with 400", async () => {
    const result = await post("{not json");
    expect(result.status).toBe(400);
    expect(result.body.errors[0].message).toMatch(/POST body/i);
  });

  it("rejects an oversized body with 413 before parsing it", async () => {
    const result = await post({ query: `{ tags { id } } # ${"x".repeat(5000)}` });
    expect(result.status).toBe(413);
    expect(result.body.errors[0].message).toMatch(/too large|exceeds/i);
  });

  it("still answers afterwards", async () => {
    const result = await post({ query: "{ tags { slug } }" });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { tags: [] } });
  });
});
