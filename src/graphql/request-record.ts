import {
  type DocumentNode,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Viewers } from "../auth/viewer.ts";
import { memoizedCost } from "./cost.ts";
import { checkVariables, type DocumentLimits, parseWithinLimits } from "./document-limits.ts";

/**
 * What a request is, decided once, after its document is known (trusted documents resolved) and
 * before anything reads or executes it. The response cache, cost limit, metrics and tracing read
 * it; none of them looks at the document text or chooses the operation on its own.
 */
export interface RequestRecord {
  readonly source: string;
  readonly document: DocumentNode;
  /** The operation that runs: graphql-js's rule (the named one, or the only one); undefined when none can be chosen. */
  readonly operation: OperationDefinitionNode | undefined;
  /** Undefined when no operation can be chosen: whoever asks must treat it as a write. */
  readonly operationType: OperationTypeNode | undefined;
  readonly operationName: string | undefined;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  /**
   * The cost of the operation with its variables (every list counted by what it can return);
   * undefined when the variables are invalid (execution refuses those). Computed on first read,
   * so a response served from the cache does not pay for it. Throws a coded GraphQLError for an
   * argument the cost cannot be read from.
   */
  cost(): number | undefined;
}

export interface RequestRecords {
  /** Records every request in onParams; must come after the trusted-documents plugins and before every reader. */
  plugin: Plugin;
  of(request: Request): RequestRecord | undefined;
  /** The viewer of the request (token checked, user exists), asked once per request whoever asks first. */
  viewerOf(request: Request): Promise<number | null>;
  /** Parses a document within the limits, through the shared parse cache. */
  parse(source: string): DocumentNode;
}

/** Where parsed documents are shared between requests (Yoga's parse cache). */
export interface ParsedDocuments {
  get(source: string): DocumentNode | undefined;
  set(source: string, document: DocumentNode): unknown;
}

export function createRequestRecords(options: {
  schema: GraphQLSchema;
  limits: DocumentLimits;
  documents: ParsedDocuments;
  viewers: Viewers;
}): RequestRecords {
  const { schema, limits, documents, viewers } = options;
  const records = new WeakMap<Request, RequestRecord>();
  const viewerIds = new WeakMap<Request, Promise<number | null>>();
  const costOf = memoizedCost(schema);

  const parse = (source: string): DocumentNode => {
    let document = documents.get(source);
    if (!document) {
      document = parseWithinLimits(source, schema, limits);
      documents.set(source, document);
    }
    return document;
  };

  const record = (source: string, operationName: string | undefined, variables: RequestRecord["variables"]) => {
    const document = parse(source);
    const operation = getOperationAST(document, operationName) ?? undefined;
    let cost: { value: number | undefined } | undefined;
    return {
      source,
      document,
      operation,
      operationType: operation?.operation,
      operationName: operation?.name?.value,
      variables,
      cost() {
        cost ??= { value: operation ? costOf(document, operation, variables) : undefined };
        return cost.value;
      },
    } satisfies RequestRecord;
  };

  const plugin: Plugin = {
    onParams({ params, request }) {
      checkVariables(params.variables);
      if (params.query === undefined || params.query === null) return;
      if (typeof params.query !== "string") {
        throw new GraphQLError("The query parameter must be a string.", {
          extensions: { code: "BAD_REQUEST", http: { status: 400 } },
        });
      }
      const operationName = typeof params.operationName === "string" ? params.operationName : undefined;
      records.set(request, record(params.query, operationName, params.variables));
    },
    // Yoga parses the recorded document again only when its parse cache has dropped it meanwhile.
    onParse({ context, params, setParsedDocument, setParseFn }) {
      const source = typeof params.source === "string" ? params.source : params.source.body;
      const known = records.get((context as { request: Request }).request);
      if (known && known.source === source) setParsedDocument(known.document);
      else setParseFn((text) => parseWithinLimits(typeof text === "string" ? text : text.body, schema, limits));
    },
  };

  return {
    plugin,
    of: (request) => records.get(request),
    viewerOf(request) {
      let viewerId = viewerIds.get(request);
      if (!viewerId) {
        viewerId = viewers.viewerIdFrom(request.headers.get("authorization"));
        viewerIds.set(request, viewerId);
      }
      return viewerId;
    },
    parse,
  };
}
