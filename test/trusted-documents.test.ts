import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse, print } from "graphql";
import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEFAULT_WARM_OPERATIONS_FILE, warmResponseCache } from "../src/cache/warm.ts";
import { loadConfig } from "../src/config.ts";
import { loadTrustedDocuments, TrustedDocumentsError } from "../src/graphql/trusted-documents.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { useTestServer } from "./helpers/server.ts";

// The manifest `npm run codegen` writes for the operations the tests send (codegen.ts).
const MANIFEST = "test/gql/persisted-documents.json";
const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
const [viewerKey, viewerDocument] = Object.entries(manifest).find(([, document]) =>
  document.startsWith("query Viewer "),
) as [string, string];
const viewerHash = viewerKey.replace(/^sha256:/, "");
const UNKNOWN = "0".repeat(64);

const required = await useTestServer({
  RESPONSE_CACHE: "off",
  NODE_ENV: "production",
  TRUSTED_DOCUMENTS: "required",
  TRUSTED_DOCUMENTS_FILE: MANIFEST,
});
const allowed = await useTestServer({ TRUSTED_DOCUMENTS_FILE: MANIFEST }, required.url);
const developmentRequired = await useTestServer(
  { NODE_ENV: "development", TRUSTED_DOCUMENTS: "required", TRUSTED_DOCUMENTS_FILE: MANIFEST },
  required.url,
);

type Server = typeof required;
const listening = new Map<Server, HttpServer>();
for (const server of [required, allowed, developmentRequired])
  listening.set(server, await listen(server.yoga, "127.0.0.1", 0));
afterAll(() => Promise.all([...listening.values()].map((http) => http.close())));

/** Over real HTTP: requests from the process itself (yoga.fetch without a socket) are trusted. */
async function send(server: Server, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${listening.get(server)?.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
    body: JSON.stringify(body),
  });
  const result = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, data: result.data, codes: result.errors?.map((error) => error.extensions?.code) };
}

const byApqHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
if (print(parse(viewerDocument)) === viewerDocument)
  throw new Error("the manifest's Viewer text must differ from its print");
const FREE_FORM = { query: "{ users(first: 1) { edges { node { handle } } } }" };

describe("TRUSTED_DOCUMENTS=required", () => {
  it.each([
    ["extensions.persistedQuery.sha256Hash", byApqHash(viewerHash)],
    ["documentId sha256:<hash>", { documentId: `sha256:${viewerHash}` }],
    ["a bare documentId", { documentId: viewerHash }],
    ["the full text of a trusted document", { query: viewerDocument }],
    // What a client holding the parsed document sends (Apollo Client, urql): graphql-js's print of it.
    ["a trusted document printed from its syntax tree", { query: print(parse(viewerDocument)) }],
  ])("runs a trusted document sent by %s", async (_how, body) => {
    expect(await send(required, { ...body, operationName: "Viewer" })).toEqual({
      status: 200,
      data: { viewer: null },
      codes: undefined,
    });
  });

  it("refuses an unknown hash with 404 PERSISTED_QUERY_NOT_FOUND", async () => {
    for (const body of [byApqHash(UNKNOWN), { documentId: `sha256:${UNKNOWN}` }]) {
      expect(await send(required, body)).toMatchObject({ status: 404, codes: ["PERSISTED_QUERY_NOT_FOUND"] });
    }
  });

  it("refuses a free-form document with 400 PERSISTED_QUERY_REQUIRED, before running it", async () => {
    expect(await send(required, FREE_FORM)).toMatchObject({
      status: 400,
      data: undefined,
      codes: ["PERSISTED_QUERY_REQUIRED"],
    });
    // A trusted hash does not vouch for another document sent beside it.
    expect(await send(required, { ...FREE_FORM, ...byApqHash(viewerHash) })).toMatchObject({
      status: 400,
      codes: ["PERSISTED_QUERY_REQUIRED"],
    });
  });

  it("lets GraphiQL send free-form documents in development only", async () => {
    const graphiql = { referer: `${listening.get(developmentRequired)?.url}/graphql` };
    expect(await send(developmentRequired, FREE_FORM, graphiql)).toMatchObject({ status: 200, codes: undefined });
    expect(await send(developmentRequired, FREE_FORM)).toMatchObject({ codes: ["PERSISTED_QUERY_REQUIRED"] });
    expect(await send(required, FREE_FORM, graphiql)).toMatchObject({ codes: ["PERSISTED_QUERY_REQUIRED"] });
  });
});

describe("TRUSTED_DOCUMENTS=required, beyond HTTP", () => {
  async function overWebSocket(payload: { query: string; extensions?: Record<string, unknown> }) {
    const client = createClient({
      url: `${listening.get(required)?.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
    });
    try {
      return await new Promise<{ data?: unknown; codes?: unknown[] }>((resolve) => {
        let last: { data?: unknown; codes?: unknown[] } = {};
        client.subscribe(payload, {
          next: (result) => (last = { data: result.data }),
          error: (errors) =>
            resolve({
              codes: Array.isArray(errors)
                ? errors.map((error: { extensions?: { code?: string; http?: unknown } }) => {
                    expect(error.extensions).not.toHaveProperty("http");
                    return error.extensions?.code;
                  })
                : [String(errors)],
            }),
          complete: () => resolve(last),
        });
      });
    } finally {
      await client.dispose();
    }
  }

  it("holds over WebSocket: free-form refused, trusted text and trusted hash run", async () => {
    expect(await overWebSocket(FREE_FORM)).toEqual({ codes: ["PERSISTED_QUERY_REQUIRED"] });
    expect(await overWebSocket({ query: viewerDocument })).toEqual({ data: { viewer: null } });
    expect(await overWebSocket({ query: "", ...byApqHash(viewerHash) })).toEqual({ data: { viewer: null } });
    expect(await overWebSocket({ query: "", ...byApqHash(UNKNOWN) })).toEqual({ codes: ["PERSISTED_QUERY_NOT_FOUND"] });
  });

  it("lets the process itself warm the response cache with its own documents", async () => {
    expect(await warmResponseCache(required.yoga, DEFAULT_WARM_OPERATIONS_FILE)).toContain("LatestPosts");
  });
});

describe("TRUSTED_DOCUMENTS=allow (the default)", () => {
  it("runs free-form documents and trusted ones by hash; an unknown hash is PERSISTED_QUERY_NOT_FOUND", async () => {
    expect(allowed.config.trustedDocuments.mode).toBe("allow");
    expect(await send(allowed, FREE_FORM)).toMatchObject({ status: 200, codes: undefined });
    expect(await send(allowed, byApqHash(viewerHash))).toMatchObject({ status: 200, data: { viewer: null } });
    expect(await send(allowed, byApqHash(UNKNOWN))).toMatchObject({
      status: 404,
      codes: ["PERSISTED_QUERY_NOT_FOUND"],
    });
  });
});

describe("the manifest", () => {
  it("is required with TRUSTED_DOCUMENTS=required, and must hash to its keys", () => {
    expect(() => loadConfig({ TRUSTED_DOCUMENTS: "required" })).toThrow(/TRUSTED_DOCUMENTS_FILE/);
    const dir = mkdtempSync(path.join(tmpdir(), "sokudo-trusted-"));
    const stale = path.join(dir, "stale.json");
    writeFileSync(stale, JSON.stringify({ [viewerKey]: "query Viewer { viewer { handle } }" }));
    expect(() => loadTrustedDocuments([stale])).toThrow(TrustedDocumentsError);
    expect(() => loadTrustedDocuments([stale])).toThrow(/TRUSTED_DOCUMENTS_FILE/);
    expect(loadTrustedDocuments([MANIFEST]).get(viewerHash)).toBe(viewerDocument);
  });
});
