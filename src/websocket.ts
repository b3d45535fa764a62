import type { Server } from "node:http";
import { type ExecutionArgs, type ExecutionResult, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { trustedQueryOf } from "./graphql/trusted-documents.ts";
import type { SokudoYoga } from "./server.ts";

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
        let query: string;
        try {
          query = trustedQueryOf(yoga, payload); // TRUSTED_DOCUMENTS holds here as over HTTP
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
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
      },
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
