import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { GraphQLParams, Plugin } from "graphql-yoga";
import { z } from "zod";
import { ConfigError } from "../config.ts";
import type { TrustedDocumentsConfig } from "./trusted-documents-config.ts";

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
      throw new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS_FILE: ${file}: ${reason}`);
    }
    for (const [key, document] of Object.entries(entries)) {
      const hash = key.replace(/^sha256:/, "");
      if (sha256(document) !== hash) {
        throw new ConfigError(
          `Invalid configuration:\n  TRUSTED_DOCUMENTS_FILE: ${file}: ${key} is not the sha256 of its document (hashAlgorithm: "sha256" in codegen.ts)`,
        );
      }
      documents.set(hash, document);
    }
  }
  return documents;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Operations by hash (Yoga's persisted-operations plugin): `extensions.persistedQuery.sha256Hash`
 * (APQ-style) or `documentId` ("sha256:<hash>" or the bare hash, GraphQL over HTTP). In `required`
 * mode a full document runs only when it is itself in the manifest, or it comes from GraphiQL in
 * development.
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
  const fromGraphiQL = (request: Request) => {
    if (!development) return false;
    const referer = request.headers.get("referer");
    if (!referer) return false;
    const page = new URL(referer);
    return page.host === new URL(request.url).host && page.pathname === graphqlEndpoint;
  };
  const persisted = usePersistedOperations({
    getPersistedOperation: (hash) => documents.get(hash.replace(/^sha256:/, "")) ?? null,
    extractPersistedOperationId: (params) => documentIdOf(params),
    allowArbitraryOperations: (request) => !required || fromGraphiQL(request),
    customErrors: {
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
    },
  });
  if (!required) return [persisted];
  const runKnownDocumentsByHash: Plugin = {
    onParams({ params, setParams }) {
      // A full document that is in the manifest is as trusted as its hash: run it by hash.
      const hash = params.query ? sha256(params.query) : undefined;
      if (hash && documents.has(hash)) setParams({ ...params, query: undefined, extensions: persistedQuery(hash) });
    },
  };
  return [runKnownDocumentsByHash, persisted];
}

const persistedQuery = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

function documentIdOf(params: GraphQLParams & { documentId?: unknown }): string | null {
  if (typeof params.documentId === "string") return params.documentId;
  const apq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)
    ?.persistedQuery;
  return apq?.version === 1 && typeof apq.sha256Hash === "string" ? apq.sha256Hash : null;
}
