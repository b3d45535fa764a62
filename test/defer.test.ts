import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { type ExecutionResult, parse } from "graphql";
import { createClient } from "graphql-ws";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { seedDatabase } from "../prisma/seed.ts";
import { operationCost } from "../src/graphql/cost.ts";
import { serverSentResults } from "../src/http/forwarded-results.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { schema } from "../src/schema/index.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { multipartResults } from "./helpers/multipart.ts";
import { ScriptedUpstream } from "./helpers/scripted-upstream.ts";
import { errorCodes, type TestServer, useTestServer } from "./helpers/server.ts";

// @defer through incremental delivery: User.insights waits for its slowest upstream (geo, held
// here until the test releases it) while the user itself is answered at once.

const DEFERRED = `
  query DeferredInsights($handle: String!) {
    user(handle: $handle) {
      handle
      ... @defer(label: "insights") {
        insights {
          location { country }
          reputation { score }
        }
      }
    }
  }
`;
const UNDEFERRED = DEFERRED.replace(`... @defer(label: "insights") {`, "... {");
const INSIGHTS = { location: { country: "JP" }, reputation: { score: 9.5 } };

const geo = await new ScriptedUpstream().start();
const reputation = await new ScriptedUpstream().start();
reputation.otherwise((requested) => {
  const handles = new URL(requested, "http://x").searchParams.get("handles")?.split(",") ?? [];
  return { json: { users: handles.map((handle) => ({ handle, score: 9.5, rank: 1 })) } };
});
geo.otherwise(() => ({ json: { country: "JP", timezone: "Asia/Tokyo" } }));

const documentsDir = mkdtempSync(path.join(tmpdir(), "sokudo-defer-"));
const manifestFile = path.join(documentsDir, "persisted-documents.json");
const deferredHash = createHash("sha256").update(DEFERRED).digest("hex");
writeFileSync(manifestFile, JSON.stringify({ [`sha256:${deferredHash}`]: DEFERRED }));

const upstreamEnv = {
  UPSTREAM_GEO_URL: geo.url,
  UPSTREAM_REPUTATION_URL: reputation.url,
  UPSTREAM_TIMEOUT_MS: "60000",
  UPSTREAM_RETRIES: "0",
  UPSTREAM_CACHE_TTL_SECONDS: "0",
};
const uncached = await useTestServer({
  ...upstreamEnv,
  RESPONSE_CACHE: "off",
  TRUSTED_DOCUMENTS: "allow",
  TRUSTED_DOCUMENTS_FILE: manifestFile,
});
const cached = await useTestServer({ ...upstreamEnv, RESPONSE_CACHE: "on" }, uncached.url);
const deferredCost = operationCost(schema, { document: parse(DEFERRED), variableValues: { handle: "user1" } });
const tightBudget = await useTestServer(
  { ...upstreamEnv, RESPONSE_CACHE: "off", GRAPHQL_MAX_COST: String((deferredCost ?? 0) - 1) },
  uncached.url,
);

// Its deadline passes while geo is held: the deferred part must not outlive it.
const deadlined = await useTestServer(
  { ...upstreamEnv, RESPONSE_CACHE: "off", GRAPHQL_EXECUTION_TIMEOUT_MS: "500" },
  uncached.url,
);

const seeding = new pg.Client({ connectionString: uncached.url });
await seeding.connect();
await seedDatabase(seeding, { users: 10, posts: 10, comments: 0, likesPerPost: 0, followsPerUser: 0 });
await seeding.end();

const listening = new Map<TestServer, HttpServer>();
for (const server of [uncached, cached, tightBudget, deadlined])
  listening.set(server, await listen(server.yoga, "127.0.0.1", 0));
afterAll(() => Promise.all([...listening.values()].map((http) => http.close())));

/** Holds geo's answer for `handle` until `release()`. */
function holdGeo(handle: string) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  geo.on(`/users/${handle}`, { json: { country: "JP", timezone: "Asia/Tokyo" }, holdUntil: () => released });
  return { release };
}

const MULTIPART = "multipart/mixed; deferSpec=20220824";
const SSE = "text/event-stream";

/** Over real HTTP, with `accept` choosing the transport. */
function post(server: TestServer, accept: string, body: Record<string, unknown>, token?: string) {
  return fetch(`${listening.get(server)?.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

function resultsOf(response: Response): AsyncGenerator<ExecutionResult> {
  return (response.headers.get("content-type") ?? "").startsWith(SSE)
    ? serverSentResults(response, () => undefined)
    : multipartResults(response);
}

interface Part extends ExecutionResult {
  hasNext?: boolean;
  incremental?: { data?: Record<string, unknown>; path?: (string | number)[]; label?: string; errors?: unknown[] }[];
}

/** Every remaining part, in order. */
async function rest(results: AsyncGenerator<ExecutionResult>): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of results) parts.push(part);
  return parts;
}

/** The parts merged into one result, as a client would see it at the end. */
function merged(parts: Part[]): Record<string, unknown> {
  const data = structuredClone(parts[0]?.data ?? {}) as Record<string, unknown>;
  for (const part of parts.slice(1)) {
    for (const patch of part.incremental ?? []) {
      let target: Record<string, unknown> = data;
      for (const key of patch.path ?? []) target = target[key] as Record<string, unknown>;
      Object.assign(target, patch.data);
    }
  }
  return data;
}

describe.each([
  ["multipart HTTP", MULTIPART],
  ["SSE", SSE],
])("@defer over %s", (_transport, accept) => {
  it("answers the user at once and the insights when geo answers", async () => {
    const handle = accept === SSE ? "user1" : "user2";
    const held = holdGeo(handle);
    const response = await post(uncached, accept, { query: DEFERRED, variables: { handle } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(accept === SSE ? SSE : "multipart/mixed");
    const results = resultsOf(response);

    const first = (await results.next()).value as Part;
    expect(first).toEqual({ data: { user: { handle } }, hasNext: true });

    held.release();
    const later = await rest(results);
    expect(later.at(-1)?.hasNext).toBe(false);
    expect(later.flatMap((part) => part.incremental ?? [])).toEqual([
      { data: { insights: INSIGHTS }, path: ["user"], label: "insights" },
    ]);
  });
});

describe("the execution deadline", () => {
  it("holds until the last part: a deferred part still running at the deadline ends the answer with EXECUTION_TIMEOUT", async () => {
    const held = holdGeo("user4");
    try {
      const results = resultsOf(await post(deadlined, MULTIPART, { query: DEFERRED, variables: { handle: "user4" } }));
      expect((await results.next()).value).toEqual({ data: { user: { handle: "user4" } }, hasNext: true });
      const later = await rest(results);
      expect(later.at(-1)).toMatchObject({ hasNext: false, errors: [{ extensions: { code: "EXECUTION_TIMEOUT" } }] });
      expect(later.flatMap((part) => part.incremental ?? [])).toEqual([]);
    } finally {
      held.release();
    }
  });
});

describe("@stream", () => {
  it("sends the first items of a list at once and the others in later parts", async () => {
    const query = `{ users(first: 3) { edges @stream(initialCount: 1) { node { handle } } } }`;
    const parts = await rest(resultsOf(await post(uncached, MULTIPART, { query })));
    expect(parts[0]).toEqual({ data: { users: { edges: [{ node: { handle: expect.any(String) } }] } }, hasNext: true });
    const streamed = parts
      .flatMap((part) => part.incremental ?? [])
      .flatMap((patch) => (patch as { items?: unknown[] }).items ?? []);
    expect(streamed).toHaveLength(2);
    expect(parts.at(-1)?.hasNext).toBe(false);
  });
});

describe("@stream arguments", () => {
  it.each([
    ["a literal", `{ users(first: 3) { edges @stream(initialCount: -1) { node { handle } } } }`, {}],
    [
      "a variable",
      `query ($count: Int!) { users(first: 3) { edges @stream(initialCount: $count) { node { handle } } } }`,
      { count: -2 },
    ],
  ])(
    "refuses a negative initialCount given as %s with BAD_USER_INPUT, not an internal error",
    async (_how, query, variables) => {
      for (const accept of [MULTIPART, "application/graphql-response+json"]) {
        const response = await post(uncached, accept, { query, variables });
        const parts = accept === MULTIPART ? await rest(resultsOf(response)) : [(await response.json()) as Part];
        expect(parts.flatMap((part) => errorCodes(part))).toEqual(["BAD_USER_INPUT"]);
        expect(parts.some((part) => part.data)).toBe(false);
      }
    },
  );
});

describe("@defer over graphql-ws", () => {
  it("sends the user, then the insights, as successive next messages", async () => {
    const held = holdGeo("user3");
    const client = createClient({
      url: `${listening.get(uncached)?.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    afterAll(() => client.dispose());
    const results = client.iterate<Record<string, unknown>>({ query: DEFERRED, variables: { handle: "user3" } });

    const first = (await results.next()).value as Part;
    expect(first).toEqual({ data: { user: { handle: "user3" } }, hasNext: true });
    held.release();
    const later: Part[] = [];
    for await (const part of results) later.push(part as Part);
    expect(merged([first, ...later])).toEqual({ user: { handle: "user3", insights: INSIGHTS } });
  });
});

describe("@defer and graphql-jit", () => {
  it("runs a deferred document incrementally every time, also once its document is cached and compiled", async () => {
    // Three times: jit compiles a document on its first runs; a compiled one would answer in one part.
    for (const handle of ["user4", "user4", "user4"]) {
      const held = holdGeo(handle);
      const results = resultsOf(await post(uncached, MULTIPART, { query: DEFERRED, variables: { handle } }));
      expect((await results.next()).value).toEqual({ data: { user: { handle } }, hasNext: true });
      held.release();
      expect(merged([{ data: { user: { handle } } }, ...(await rest(results))])).toEqual({
        user: { handle, insights: INSIGHTS },
      });
    }
  });
});

describe("@defer and the cost limit", () => {
  it("counts deferred fields as if they were not deferred, and refuses a deferred document over the limit", async () => {
    const undeferredCost = operationCost(schema, { document: parse(UNDEFERRED), variableValues: { handle: "user1" } });
    expect(deferredCost).toBe(undeferredCost);
    geo.reset();
    const response = await post(tightBudget, MULTIPART, { query: DEFERRED, variables: { handle: "user5" } });
    const parts = await rest(resultsOf(response));
    expect(parts.flatMap((part) => errorCodes(part))).toEqual(["COST_LIMIT_EXCEEDED"]);
    expect(parts.some((part) => part.data)).toBe(false);
    expect(geo.count()).toBe(0);
  });
});

describe("@defer and trusted documents", () => {
  it("runs a persisted deferred document sent by documentId, in parts", async () => {
    const held = holdGeo("user6");
    const response = await post(uncached, MULTIPART, {
      documentId: `sha256:${deferredHash}`,
      variables: { handle: "user6" },
    });
    const results = resultsOf(response);
    expect((await results.next()).value).toEqual({ data: { user: { handle: "user6" } }, hasNext: true });
    held.release();
    expect(merged([{ data: { user: { handle: "user6" } } }, ...(await rest(results))])).toEqual({
      user: { handle: "user6", insights: INSIGHTS },
    });
  });
});

describe("@defer and the response cache", () => {
  const COUNTED = DEFERRED.replace("handle\n", "handle\n      postCount\n");

  it("answers a deferred query completely both times, and afresh after a write", async () => {
    const author = await signUpUser(cached);
    const ask = async () => {
      const response = await post(cached, MULTIPART, { query: COUNTED, variables: { handle: author.handle } });
      return merged(await rest(resultsOf(response)));
    };
    const complete = (postCount: number) => ({ user: { handle: author.handle, postCount, insights: INSIGHTS } });

    geo.reset();
    expect(await ask()).toEqual(complete(0));
    expect(geo.count()).toBe(1);
    // Served from the cache: whole, in one part, without asking geo again.
    const hit = await rest(
      resultsOf(await post(cached, MULTIPART, { query: COUNTED, variables: { handle: author.handle } })),
    );
    expect(hit).toEqual([{ data: complete(0) }]);
    expect(geo.count()).toBe(1);

    await createPost(cached, author.token);
    expect(await ask()).toEqual(complete(1));
    expect(geo.count()).toBe(2);
  });

  it("never stores an answer whose deferred part failed", async () => {
    const { handle } = await signUpUser(cached);
    geo.reset();
    geo.on(`/users/${handle}`, [{ status: 503 }, { json: { country: "JP", timezone: "Asia/Tokyo" } }]);
    const ask = async () => {
      const response = await post(cached, MULTIPART, { query: COUNTED, variables: { handle } });
      return rest(resultsOf(response));
    };
    const failed = await ask();
    expect(
      failed.flatMap((part) => part.incremental ?? []).flatMap((patch) => errorCodes(patch as ExecutionResult)),
    ).toEqual(["UPSTREAM_UNAVAILABLE"]);
    expect(merged(await ask())).toEqual({ user: { handle, postCount: 0, insights: INSIGHTS } });
    expect(geo.count()).toBe(2);
  });
});
