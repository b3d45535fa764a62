import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { z } from "zod";
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

/** The same refusal over WebSocket, where there is no HTTP status to set. */
const webSocketError = ({ message, extensions }: (typeof ERRORS)[keyof typeof ERRORS]) =>
  new GraphQLError(message, { extensions: { code: extensions.code } });

/** What GraphQL over WebSocket (which bypasses Yoga's params hooks) asks of each server's documents. */
interface DocumentParams {
  query?: string | null;
  extensions?: unknown;
  documentId?: unknown;
}
type WebSocketCheck = (params: DocumentParams) => string;
// Kept on the Yoga instance; an object, not a function: the server adapter's proxy passes objects through as they are.
const WEBSOCKET_CHECK = Symbol("trusted documents over WebSocket");
type Holder = { [WEBSOCKET_CHECK]?: { check: WebSocketCheck } };

/**
 * The document a graphql-ws subscribe message may run on `yoga`: its query, or the trusted document
 * its hash names. Throws the same coded GraphQLError as over HTTP when refused.
 */
export function trustedQueryOf(yoga: object, params: DocumentParams): string {
  const check = (yoga as Holder)[WEBSOCKET_CHECK]?.check;
  if (check) return check(params);
  if (!params.query) throw webSocketError(ERRORS.keyNotFound);
  return params.query;
}

/**
 * Operations by hash (Yoga's persisted-operations plugin): `extensions.persistedQuery.sha256Hash`
 * (APQ-style) or `documentId` ("sha256:<hash>" or the bare hash, GraphQL over HTTP). In `required`
 * mode a full document runs only when it is itself in the manifest, comes from GraphiQL in
 * development, or from the process itself (`yoga.fetch` without a socket: the cache warm-up).
 */
export function useTrustedDocuments(options: {
  config: TrustedDocumentsConfig;
  graphqlEndpoint: string;
  development: boolean;
  documents?: Map<string, string>;
}): Plugin[] {
  const { config, graphqlEndpoint, development } = options;
  if (config.mode === "off") return [];
  const documents = options.documents ?? loadTrustedDocuments(config.files);
  const required = config.mode === "required";
  const inProcess = new WeakSet<Request>();
  const fromGraphiQL = (request: Request) => {
    if (!development) return false;
    const referer = request.headers.get("referer");
    if (!referer) return false;
    const page = new URL(referer);
    return page.host === new URL(request.url).host && page.pathname === graphqlEndpoint;
  };
  const lookUp = (id: string) => documents.get(id.replace(/^sha256:/, "")) ?? null;
  const persisted = usePersistedOperations({
    getPersistedOperation: lookUp,
    extractPersistedOperationId: (params) => documentIdOf(params),
    allowArbitraryOperations: (request) => !required || inProcess.has(request) || fromGraphiQL(request),
    customErrors: ERRORS,
  });
  const checkWebSocket: WebSocketCheck = (params) => {
    const id = documentIdOf(params);
    if (!params.query && id) {
      const document = lookUp(id);
      if (!document) throw webSocketError(ERRORS.notFound);
      return document;
    }
    if (!params.query) throw webSocketError(ERRORS.keyNotFound);
    if (required && !documents.has(sha256(params.query))) {
      throw webSocketError(ERRORS.persistedQueryOnly);
    }
    return params.query;
  };
  const policy: Plugin = {
    onYogaInit({ yoga }) {
      (yoga as Holder)[WEBSOCKET_CHECK] = { check: checkWebSocket };
    },
    onParams({ params, setParams, request, context }) {
      if (!required) return;
      if (!(context as { req?: unknown } | undefined)?.req) inProcess.add(request);
      // A full document that is in the manifest is as trusted as its hash: run it by hash.
      const hash = params.query ? sha256(params.query) : undefined;
      if (hash && documents.has(hash)) setParams({ ...params, query: undefined, extensions: persistedQuery(hash) });
    },
  };
  return [policy, persisted];
}

const persistedQuery = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

function documentIdOf(params: DocumentParams): string | null {
  if (typeof params.documentId === "string") return params.documentId;
  const apq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return apq?.version === 1 && typeof apq.sha256Hash === "string" ? apq.sha256Hash : null;
}
