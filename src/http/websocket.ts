import type { IncomingMessage, Server } from "node:http";
import { type ExecutionArgs, type ExecutionResult, parse } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { type WebSocket, WebSocketServer } from "ws";
import type { SokudoYoga } from "../graphql/yoga.ts";
import { graphqlErrorsOf, serverSentResults } from "./forwarded-results.ts";

/** What graphql-ws executes for every operation: the results of the same operation sent over HTTP. */
const FORWARDED = parse("subscription Forwarded { __typename }");
interface Forwarded {
  results: AsyncGenerator<ExecutionResult>;
}

/**
 * GraphQL over WebSocket (graphql-ws protocol) on the same port and path as HTTP. Every operation
 * a socket sends is handed to Yoga as an HTTP request of its own (POST, from the socket's
 * address, with the connection's bearer token), so it passes every check an HTTP request passes:
 * the address's budget, trusted documents, limits, the request record, cost, the response cache,
 * metrics and tracing. Its results come back as server-sent events and go out as `next`
 * messages; a request refused before execution is an `error` message with its code. The token
 * comes in the connection parameters (`{ "authorization": "Bearer <token>" }`); closing the
 * socket, or completing the operation, aborts its request.
 */
export function attachWebSocket(server: Server, yoga: SokudoYoga): () => Promise<void> {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const operationsBySocket = new WeakMap<WebSocket, Set<AbortController>>();
  /** One close listener per socket, whatever the number of operations it runs. */
  const operationsOf = (socket: WebSocket) => {
    let operations = operationsBySocket.get(socket);
    if (!operations) {
      const running = (operations = new Set());
      operationsBySocket.set(socket, running);
      socket.once("close", () => {
        for (const operation of running) operation.abort();
        running.clear();
      });
    }
    return operations;
  };
  const disposable = useServer(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as Forwarded).results,
      subscribe: (args: ExecutionArgs) => (args.rootValue as Forwarded).results,
      // Results arrive serialised (from the HTTP response): sent as they are, not as GraphQLError objects.
      onNext: (_ctx, _id, _payload, _args, result) => result,
      onSubscribe: async (ctx, _id, payload) => {
        const authorization = (ctx.connectionParams as { authorization?: unknown } | undefined)?.authorization;
        const operations = operationsOf(ctx.extra.socket);
        const operation = new AbortController();
        operations.add(operation);
        const done = () => {
          operations.delete(operation);
          operation.abort();
        };
        const request = new Request(new URL(yoga.graphqlEndpoint, "http://websocket.local"), {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/graphql-response+json, text/event-stream",
            ...(typeof authorization === "string" ? { authorization } : {}),
          },
          body: JSON.stringify(payload),
          signal: operation.signal,
        });
        // The upgrade request: its socket is the client's address (rate limits, trusted documents).
        const serverContext = { req: ctx.extra.request as IncomingMessage };
        let response: Response;
        try {
          response = await yoga.handleRequest(request, serverContext);
        } catch (error) {
          done();
          throw error;
        }
        if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
          const body = (await response.json()) as ExecutionResult;
          if (!("data" in body)) {
            done();
            return graphqlErrorsOf(body);
          }
          return forwarded(once(body, done));
        }
        return forwarded(serverSentResults(response, done));
      },
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

const forwarded = (results: AsyncGenerator<ExecutionResult>): ExecutionArgs => ({
  schema: undefined as never, // graphql-ws reads only the document, to tell a subscription
  document: FORWARDED,
  rootValue: { results } satisfies Forwarded,
});

async function* once(result: ExecutionResult, done: () => void): AsyncGenerator<ExecutionResult> {
  try {
    yield result;
  } finally {
    done();
  }
}
