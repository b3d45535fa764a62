import { createHash, randomBytes } from "node:crypto";
import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { afterAll, describe, expect, it } from "vitest";
import { type HttpServer, listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { useTestRedis } from "./helpers/redis.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";
import { TEST_REDIS_URL } from "./helpers/redis.ts";

// Automatic persisted queries (Apollo's protocol) in TRUSTED_DOCUMENTS=allow: a document sent with
// its own sha256 is registered once it has run, so later requests carry the hash alone.

const { prefix } = await useTestRedis();
const shared = { RESPONSE_CACHE: "off", REDIS_URL: TEST_REDIS_URL, CACHE_KEY_PREFIX: prefix };
const serverA = await useTestServer(shared);
const serverB = await useTestServer(shared, serverA.url);
const inMemory = await useTestServer({ RESPONSE_CACHE: "off" }, serverA.url);
const required = await useTestServer(
  { RESPONSE_CACHE: "off", TRUSTED_DOCUMENTS: "required", TRUSTED_DOCUMENTS_FILE: "test/gql/persisted-documents.json" },
  serverA.url,
);

await signUpUser(serverA, "apq_reader");

const listening = new Map<TestServer, HttpServer>();
for (const server of [serverA, serverB, inMemory, required])
  listening.set(server, await listen(server.yoga, "127.0.0.1", 0));
afterAll(() => Promise.all([...listening.values()].map((http) => http.close())));
const endpoint = (server: TestServer) => `${listening.get(server)?.url}/graphql`;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A document no run of this test has registered before (registrations live in the shared Redis for days). */
const freshQuery = () => gql`
  query Users${randomBytes(4).toString("hex")} { users(first: 2) { edges { node { handle } } } }
`;

/** Apollo Client with its real persisted-query link, and the HTTP requests it sent (method each). */
function apolloClient(server: TestServer, options: { useGETForHashedQueries?: boolean } = {}) {
  const requests: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    requests.push(init?.method ?? "GET");
    return fetch(input, init);
  };
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: new PersistedQueryLink({ sha256, ...options }).concat(
      new HttpLink({ uri: endpoint(server), fetch: countingFetch }),
    ),
  });
  const query = async (document: ReturnType<typeof gql>) => {
    const before = requests.length;
    const result = await client.query({ query: document, fetchPolicy: "network-only" });
    return { data: result.data, methods: requests.slice(before) };
  };
  return { query };
}

async function post(server: TestServer, body: Record<string, unknown>) {
  const response = await fetch(endpoint(server), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const result = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, data: result.data, codes: result.errors?.map((error) => error.extensions?.code) };
}

const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

describe("automatic persisted queries in TRUSTED_DOCUMENTS=allow", () => {
  it("costs two requests the first time and one afterwards, with Apollo's persisted-query link", async () => {
    const client = apolloClient(serverA);
    const document = freshQuery();
    const first = await client.query(document);
    expect(first.methods).toEqual(["POST", "POST"]); // the hash alone (not found), then hash and text
    expect(first.data).toMatchObject({ users: { edges: [{ node: { handle: "apq_reader" } }] } });
    const again = await client.query(document);
    expect(again).toEqual({ data: first.data, methods: ["POST"] });
  });

  it("sends a registered document by GET in one request (useGETForHashedQueries)", async () => {
    const document = freshQuery();
    expect((await apolloClient(serverA).query(document)).methods).toEqual(["POST", "POST"]);
    const later = await apolloClient(serverA, { useGETForHashedQueries: true }).query(document);
    expect(later.methods).toEqual(["GET"]);
    expect(later.data).toMatchObject({ users: { edges: expect.any(Array) } });
  });

  it("shares registrations between instances through Redis: registered on A, one request on B", async () => {
    const document = freshQuery();
    expect((await apolloClient(serverA).query(document)).methods).toEqual(["POST", "POST"]);
    expect((await apolloClient(serverB).query(document)).methods).toEqual(["POST"]);
  });

  it("registers in process memory without Redis", async () => {
    const client = apolloClient(inMemory);
    const document = freshQuery();
    expect((await client.query(document)).methods).toEqual(["POST", "POST"]);
    expect((await client.query(document)).methods).toEqual(["POST"]);
  });

  it("refuses a hash that is not the text's with 400 PERSISTED_QUERY_HASH_MISMATCH, and registers nothing", async () => {
    const query = "{ users(first: 1) { edges { node { name } } } }";
    const wrong = sha256(`${query} `);
    expect(await post(serverA, { query, ...byHash(wrong) })).toMatchObject({
      status: 400,
      codes: ["PERSISTED_QUERY_HASH_MISMATCH"],
    });
    expect(await post(serverA, byHash(wrong))).toMatchObject({ status: 404, codes: ["PERSISTED_QUERY_NOT_FOUND"] });
  });

  it("registers only documents that passed the checks before execution (here the cost limit)", async () => {
    const comments = "comments(first: 100) { edges { node { id } } }";
    const posts = `posts(first: 100) { edges { node { ${comments} } } }`;
    const query = `query Expensive${randomBytes(4).toString("hex")} { users(first: 100) { edges { node { ${posts} } } } }`;
    expect(await post(serverA, { query, ...byHash(sha256(query)) })).toMatchObject({
      codes: ["COST_LIMIT_EXCEEDED"],
    });
    expect(await post(serverA, byHash(sha256(query)))).toMatchObject({
      status: 404,
      codes: ["PERSISTED_QUERY_NOT_FOUND"],
    });
  });
});

describe("TRUSTED_DOCUMENTS=required", () => {
  it("registers nothing: a document sent with its hash is refused, and its hash stays unknown", async () => {
    const query = "{ users(first: 1) { edges { node { handle } } } }";
    expect(await post(required, { query, ...byHash(sha256(query)) })).toMatchObject({
      status: 400,
      codes: ["PERSISTED_QUERY_REQUIRED"],
    });
    // Registered on an `allow` instance sharing the process: still not run here.
    expect(await post(inMemory, { query, ...byHash(sha256(query)) })).toMatchObject({ status: 200 });
    expect(await post(required, byHash(sha256(query)))).toMatchObject({
      status: 404,
      codes: ["PERSISTED_QUERY_NOT_FOUND"],
    });
  });
});
