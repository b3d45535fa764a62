import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type HttpServer, listen } from "../src/http/server.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";

// What a request is (its operation, type, name, cost, viewer) is decided once, in the request
// record, and every transport (HTTP, SSE, graphql-ws) passes the same checks and the same cache.

const server = await useTestServer({ RATE_LIMIT_OPERATIONS: "off" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
const budgeted = await useTestServer({ RATE_LIMIT_OPERATIONS: "5/1m" }, server.url);
const budgetedHttp: HttpServer = await listen(budgeted.yoga, "127.0.0.1", 0);
afterAll(() => Promise.all([http.close(), budgetedHttp.close()]));
const author = await signUpUser(server, "record_author");
const post = await createPost(server, author.token, { title: "the request record" });

const webSocketUrl = (target: HttpServer) => `${target.url.replace("http", "ws")}/graphql`;

/** Runs operations one after another over one socket; each outcome is its last `next` value or its errors. */
async function overOneSocket(target: HttpServer, operations: { query: string; variables?: Record<string, unknown> }[]) {
  const closes: number[] = [];
  const client = createClient({
    url: webSocketUrl(target),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  const outcomes: unknown[] = [];
  try {
    for (const operation of operations) {
      outcomes.push(
        await new Promise<unknown>((resolve) => {
          let last: unknown;
          client.subscribe(operation, {
            next: (value) => (last = value),
            error: resolve,
            complete: () => resolve(last),
          });
        }),
      );
    }
  } finally {
    await client.dispose();
  }
  return { outcomes, closes };
}

async function metricLine(target: TestServer, pattern: RegExp): Promise<number> {
  const text = await (await target.yoga.fetch("http://sokudo.test/metrics")).text();
  const line = text.split("\n").find((candidate) => pattern.test(candidate));
  return line ? Number(line.split(" ").pop()) : 0;
}
const cacheHits = () => metricLine(server, /^sokudo_response_cache_requests_total\{result="hit"\}/);

describe("GraphQL over WebSocket", () => {
  it("answers a query from the response cache, as over HTTP, and the socket stays open", async () => {
    const query = `query Cached { tags { slug } post(id: "${post.id}") { title } }`;
    const overHttp = await server.execute(query);
    const hitsBefore = await cacheHits();
    const { outcomes, closes } = await overOneSocket(http, [{ query }, { query }]);
    expect(outcomes).toEqual([{ data: overHttp.data }, { data: overHttp.data }]);
    expect((await cacheHits()) - hitsBefore).toBe(2);
    expect(closes).not.toContain(4500);
  });

  it("counts a socket's operations against its address's budget", async () => {
    const { outcomes } = await overOneSocket(
      budgetedHttp,
      Array.from({ length: 7 }, () => ({ query: "{ __typename }" })),
    );
    const codes = outcomes.map((outcome) =>
      Array.isArray(outcome) ? (outcome[0] as { extensions?: { code?: string } }).extensions?.code : "ok",
    );
    expect(codes).toEqual(["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED"]);
  });

  it("keeps nothing per operation on a long-lived socket (no listener added per operation)", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const { outcomes } = await overOneSocket(
        http,
        Array.from({ length: 30 }, () => ({ query: "{ __typename }" })),
      );
      expect(outcomes).toEqual(Array(30).fill({ data: { __typename: "Query" } }));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
  });
});

describe("the operation a request runs, as metrics and traces see it", () => {
  it("is the selected operation's type and name, also when a fragment comes first and no operationName is sent", async () => {
    const document = `
      fragment Counted on Post { likeCount }
      mutation RecordLike($id: ID!) { likePost(input: { postId: $id }) { post { ...Counted } } }`;
    const labelled = /^sokudo_graphql_requests_total\{operation_name="RecordLike",operation_type="mutation"\}/;
    const before = await metricLine(server, labelled);
    const result = await server.execute(document, { variables: { id: post.id }, token: author.token });
    expect(result.errors).toBeUndefined();
    expect((await metricLine(server, labelled)) - before).toBe(1);
  });
});

describe("the response cache", () => {
  it("answers identical concurrent misses once (single flight): one execution's statements in all", async () => {
    const query = `query Flight { post(id: "${post.id}") { title author { handle } } }`;
    const alone = await useTestServer({ RESPONSE_CACHE: "off" }, server.url);
    const oneExecution = (await alone.execute(query)).statements;
    const answers = await Promise.all(Array.from({ length: 20 }, () => server.execute(query)));
    const misses = answers.filter((answer) => answer.headers.get("server-timing")?.includes('cache;desc="miss"'));
    expect(misses).toHaveLength(1);
    expect(answers.reduce((sum, answer) => sum + answer.statements, 0)).toBe(oneExecution);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.data))).size).toBe(1);
  });

  it("never answers a mutation with 304, whatever If-None-Match it sends", async () => {
    const url = "http://sokudo.test/graphql?query=%7Btags%7Bslug%7D%7D";
    await (await server.yoga.fetch(url, { headers: { accept: "application/json" } })).text();
    const etag = (await server.yoga.fetch(url, { headers: { accept: "application/json" } })).headers.get("etag");
    expect(etag).toBeTruthy();
    const reader = await signUpUser(server, "record_reader");
    const liked = await server.yoga.fetch("http://sokudo.test/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${reader.token}`,
        "if-none-match": etag as string,
      },
      body: JSON.stringify({
        query: "mutation ($id: ID!) { likePost(input: { postId: $id }) { post { likeCount } } }",
        variables: { id: post.id },
      }),
    });
    expect(liked.status).toBe(200);
    expect(((await liked.json()) as { data?: unknown }).data).toEqual({ likePost: { post: { likeCount: 2 } } });
  });
});
