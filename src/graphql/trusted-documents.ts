import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { type DocumentNode, GraphQLError, parse, print } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { z } from "zod";
import type { PersistedDocumentStore } from "../cache/persisted-store.ts";
import type { TrustedDocumentsConfig } from "../config.ts";

/** A manifest that cannot be used (unreadable, or a hash that is not its document's): reported at start like a bad variable. */
export class TrustedDocumentsError extends Error {
  override name = "TrustedDocumentsError";
}

const manifest = z.record(z.string().regex(/^(sha256:)?[0-9a-f]{64}$/, "sha256 hex keys"), z.string().min(1));

/** Reads the manifests; a hash that is not the document's sha256 is refused as a stale manifest. */
export function loadTrustedDocuments(files: string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const file of files) {
    let entries: Record<string, string>;
    try {
      entries = manifest.parse(JSON.parse(readFileSync(file, "utf8")));
    } catch (error) {
      const reason = error instanceof z.ZodError ? "not a { sha256: document } JSON object" : String(error);
      throw new TrustedDocumentsError(`Invalid configuration:\n  TRUSTED_DOCUMENTS_FILE: ${file}: ${reason}`);
    }
    for (const [key, document] of Object.entries(entries)) {
      const hash = key.replace(/^sha256:/, "");
      if (sha256(document) !== hash) {
        throw new TrustedDocumentsError(
          `Invalid configuration:\n  TRUSTED_DOCUMENTS_FILE: ${file}: ${key} is not the sha256 of its document (hashAlgorithm: "sha256" in codegen.ts)`,
        );
      }
      documents.set(hash, document);
    }
  }
  return documents;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const ERRORS = {
  notFound: {
    message: "PersistedQueryNotFound: no trusted document has this hash",
    extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 404 } },
  },
  keyNotFound: {
    message: "Must provide a query or the hash of a trusted document",
    extensions: { code: "BAD_REQUEST", http: { status: 400 } },
  },
  persistedQueryOnly: {
    message: "Only trusted documents run here: send the operation's hash (documentId)",
    extensions: { code: "PERSISTED_QUERY_REQUIRED", http: { status: 400 } },
  },
};

/** Apollo Server's message for it, with a code: the hash is not the document's, so nothing is registered. */
const hashMismatch = () =>
  new GraphQLError("provided sha does not match query: persistedQuery.sha256Hash must be the sha256 of the query", {
    extensions: { code: "PERSISTED_QUERY_HASH_MISMATCH", http: { status: 400 } },
  });

/**
 * Operations by hash (Yoga's persisted-operations plugin): `extensions.persistedQuery.sha256Hash`
 * (APQ-style) or `documentId` ("sha256:<hash>" or the bare hash, GraphQL over HTTP). In `required`
 * mode a full document runs only when it is itself in the manifest (as codegen stored it, or
 * printed from the same syntax tree, as clients holding a parsed document send it), comes from
 * GraphiQL in development, or from the process itself (`yoga.fetch` without a socket: the cache
 * warm-up). GraphQL over WebSocket passes through the same hooks (http/websocket.ts).
 *
 * In `allow` mode a document sent with its own sha256 (Apollo's automatic persisted queries) is
 * registered in `registered` once it has run: after the request record parsed it within the
 * limits and the checks before execution (cost among them) let it through. Later requests send
 * the hash alone (by GET too) and pass the same checks again. `required` mode registers nothing.
 */
export function useTrustedDocuments(options: {
  config: TrustedDocumentsConfig;
  graphqlEndpoint: string;
  development: boolean;
  /** Parses within the document limits, through the shared parse cache (request-record.ts). */
  parse: (source: string) => DocumentNode;
  documents?: Map<string, string>;
  /** Where `allow` mode registers documents sent with their hash; none: hashes are the manifest's only. */
  registered?: PersistedDocumentStore;
}): Plugin[] {
  const { config, graphqlEndpoint, development } = options;
  if (config.mode === "off") return [];
  const documents = options.documents ?? loadTrustedDocuments(config.files);
  const required = config.mode === "required";
  const hashByPrint = new Map([...documents].map(([hash, document]) => [print(parse(document)), hash]));
  const trustedHashOf = (query: string): string | undefined => {
    const hash = sha256(query);
    if (documents.has(hash)) return hash;
    try {
      return hashByPrint.get(print(options.parse(query)));
    } catch {
      return undefined; // over a limit or not a document: refused below as any untrusted document
    }
  };
  const inProcess = new WeakSet<Request>();
  const fromGraphiQL = (request: Request) => {
    if (!development) return false;
    const referer = request.headers.get("referer");
    if (!referer) return false;
    const page = new URL(referer);
    return page.host === new URL(request.url).host && page.pathname === graphqlEndpoint;
  };
  const registered = required ? undefined : options.registered;
  const lookUp = (id: string) => {
    const hash = id.replace(/^sha256:/, "");
    const trusted = documents.get(hash);
    if (trusted !== undefined) return trusted;
    return registered && SHA256_HEX.test(hash) ? registered.get(hash) : null;
  };
  /** Documents sent with their own hash, registered once they have run. */
  const toRegister = new WeakMap<Request, { hash: string; query: string }>();
  const persisted = usePersistedOperations({
    getPersistedOperation: lookUp,
    extractPersistedOperationId: (params) => documentIdOf(params),
    allowArbitraryOperations: (request) => !required || inProcess.has(request) || fromGraphiQL(request),
    customErrors: ERRORS,
  });
  const policy: Plugin = {
    onParams({ params, setParams, request, context }) {
      if (!required) {
        if (registered) noteRegistration(params, request);
        return;
      }
      if (!(context as { req?: unknown } | undefined)?.req) inProcess.add(request);
      // A full document that is in the manifest is as trusted as its hash: run it by hash.
      const hash = typeof params.query === "string" ? trustedHashOf(params.query) : undefined;
      if (hash) setParams({ ...params, query: undefined, extensions: persistedQuery(hash) });
    },
    // Awaited (once per document): when the client has its answer, every instance knows the hash.
    // Synchronous otherwise, so other requests pay no promise.
    onResultProcess({ request, result }) {
      const registration = toRegister.get(request);
      if (!registration || !ran(result)) return;
      toRegister.delete(request);
      return registered?.set(registration.hash, registration.query);
    },
  };
  const noteRegistration = (params: { query?: unknown; extensions?: unknown }, request: Request) => {
    const hash = apqHashOf(params);
    // An empty query beside a hash is a lookup, as graphql-ws clients (which must send a query) send it.
    if (hash === null || typeof params.query !== "string" || params.query === "") return;
    if (sha256(params.query) !== hash) throw hashMismatch();
    if (!documents.has(hash)) toRegister.set(request, { hash, query: params.query });
  };
  return [policy, persisted];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Past every check before execution: a result with data (field errors allowed), a stream, or a cache hit (its data left serialised). */
const ran = (result: unknown) =>
  !Array.isArray(result) &&
  (isAsyncIterable(result) ||
    (result as { data?: unknown }).data != null ||
    (result as Record<symbol, unknown>)[Symbol.for("servedFromResponseCache")] === true);

const persistedQuery = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

function documentIdOf(params: { extensions?: unknown; documentId?: unknown }): string | null {
  if (typeof params.documentId === "string") return params.documentId;
  return apqHashOf(params);
}

function apqHashOf(params: { extensions?: unknown }): string | null {
  const apq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return apq?.version === 1 && typeof apq.sha256Hash === "string" ? apq.sha256Hash : null;
}
