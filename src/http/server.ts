import { createServer as createHttpServer, type Server } from "node:http";
import type { HttpConfig } from "../config.ts";
import type { SokudoYoga } from "../graphql/yoga.ts";
import { capConnectionsPerAddress } from "./connection-cap.ts";
import { trackForDrain } from "./drain.ts";
import { attachWebSocket } from "./websocket.ts";

export interface HttpServer {
  server: Server;
  url: string;
  /**
   * Drains (drain.ts): idle keep-alive connections close at once, requests in flight are
   * answered with `Connection: close`; rejects if any is still running after `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves `yoga` on host:port. With `limits` (HTTP_* settings; Node's own defaults without them): a
 * request whose headers or body are not all in after their timeout is answered 408 and closed —
 * the response is not timed, so SSE streams live on — and one address holds at most
 * `maxConnectionsPerAddress` connections.
 */
export async function listen(yoga: SokudoYoga, host: string, port: number, limits?: HttpConfig): Promise<HttpServer> {
  const server = createHttpServer(
    limits
      ? {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          // Node looks for expired requests this often (30 s by default, which would triple a 10 s timeout).
          connectionsCheckingInterval: Math.max(10, Math.min(1_000, limits.headersTimeoutMs / 4)),
        }
      : {},
    yoga,
  );
  if (limits?.maxConnectionsPerAddress) capConnectionsPerAddress(server, limits.maxConnectionsPerAddress);
  const drainable = trackForDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const closeWebSockets = attachWebSocket(server, yoga);
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  return {
    server,
    url: `http://${shownHost}:${actualPort}`,
    close: async (graceMs = 10_000) => {
      const drained = drainable.drain(graceMs);
      await closeWebSockets();
      await drained;
    },
  };
}
