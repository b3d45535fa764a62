import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type HttpServer, listen } from "../src/http/server.ts";
import { useTestServer } from "./helpers/server.ts";

// Limits and variable checks hold over graphql-ws as over HTTP, as coded errors for the
// operation rather than a 4500 close of the socket.

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());
// The default: the response cache on (in memory here).
const cached = await useTestServer({}, server.url);
const cachedHttp: HttpServer = await listen(cached.yoga, "127.0.0.1", 0);
afterAll(() => cachedHttp.close());

async function subscribeOnce(query: string, variables?: Record<string, unknown>, target: HttpServer = http) {
  const closes: number[] = [];
  const client = createClient({
    url: `${target.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    on: { closed: (event) => closes.push((event as { code: number }).code) },
  });
  try {
    const outcome = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query, variables },
        { next: (value) => resolve(value), error: resolve, complete: () => resolve("completed") },
      );
    });
    return { outcome, closes };
  } finally {
    await client.dispose();
  }
}

describe("graphql-ws input", () => {
  it.each([
    ["a document over the token limit", `subscription { ${"a ".repeat(5_000)}}`, undefined, "TOKEN_LIMIT_EXCEEDED"],
    [
      "a document over the depth limit",
      `subscription { ${"a { ".repeat(20)}b${" }".repeat(20)} }`,
      undefined,
      "DEPTH_LIMIT_EXCEEDED",
    ],
    [
      "a variable with U+0000",
      "subscription ($id: ID!) { jobUpdated(id: $id) { status } }",
      { id: "a\u0000" },
      "BAD_USER_INPUT",
    ],
  ])("answers %s with its code, without closing 4500", async (_case, query, variables, code) => {
    const { outcome, closes } = await subscribeOnce(query, variables);
    expect(outcome).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code }) })]);
    expect(closes).not.toContain(4500);
  });

  it("answers queries with the response cache on, the same as over HTTP, without closing the socket", async () => {
    const query = "{ users(first: 2) { edges { node { handle } } } }";
    const overHttp = await cached.execute(query);
    for (let i = 0; i < 2; i++) {
      const { outcome, closes } = await subscribeOnce(query, undefined, cachedHttp);
      expect(outcome).toEqual({ data: overHttp.data });
      expect(closes).not.toContain(4500);
    }
  });
});
