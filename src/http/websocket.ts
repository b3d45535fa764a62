import type { Server } from "node:http";
import { type ExecutionArgs, type ExecutionResult, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { checkVariables } from "../graphql/document-limits.ts";
import { trustedQueryOf } from "../graphql/trusted-documents.ts";
import type { SokudoYoga } from "../graphql/yoga.ts";

type OperationResult =
  Promise<AsyncIterable<ExecutionResult> | ExecutionResult> | AsyncIterable<ExecutionResult> | ExecutionResult;
interface EnvelopedRoot {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the same port and path as HTTP, through
 * the same Yoga plugins and context. The bearer token comes in the connection parameters
 * (`{ "authorization": "Bearer <token>" }`); closing the socket aborts the request's work.
 */
export function attachWebSocket(server: Server, yoga: SokudoYoga): () => Promise<void> {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer(
    {
      // Yoga's enveloped execute/subscribe, handed over in rootValue by onSubscribe.
      execute: (args: ExecutionArgs): OperationResult => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args: ExecutionArgs): OperationResult => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const authorization = (ctx.connectionParams as { authorization?: unknown } | undefined)?.authorization;
        const closed = new AbortController();
        ctx.extra.socket.once("close", () => closed.abort());
        const request = new Request("http://websocket.local/graphql", {
          method: "POST",
          headers: typeof authorization === "string" ? { authorization } : {},
          signal: closed.signal,
        });
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          request,
          params: payload,
          req: ctx.extra.request, // the upgrade request: its socket is the client's address (rate limits)
        });
        // A client error (a limit, an untrusted document, a bad token, a bad variable) is an `error`
        // message for this operation with its code and reason; anything else still closes the socket (4500).
        try {
          checkVariables(payload.variables);
          const query = trustedQueryOf(yoga, payload); // TRUSTED_DOCUMENTS holds here as over HTTP
          const document = parse(query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          return {
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
        } catch (error) {
          if (error instanceof GraphQLError) return [withoutHttp(error)];
          throw error;
        }
      },
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

/** The same error without `extensions.http` (status and headers mean nothing on a socket). */
function withoutHttp(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions,
  });
}
