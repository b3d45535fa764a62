import { createServer as createHttpServer, type Server } from "node:http";
import type { SokudoYoga } from "../graphql/yoga.ts";
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

export async function listen(yoga: SokudoYoga, host: string, port: number): Promise<HttpServer> {
  const server = createHttpServer(yoga);
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
