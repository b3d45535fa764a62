import { createServer } from "node:http";
import type { Plugin } from "graphql-yoga";
import type { Registry } from "prom-client";
import { bearerTokenMatches } from "./bearer-token.ts";

export interface MetricsAccess {
  /** METRICS_TOKEN: when set, every scrape sends `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** METRICS_PORT: /metrics on a listener of its own (METRICS_HOST), and not on the API's port. */
  port: number | undefined;
  host: string;
}

/**
 * Where GET /metrics is served. With METRICS_PORT: on its own listener only. Otherwise on the
 * API's port — in production only with METRICS_TOKEN, since the metrics name every operation and
 * show the load; without either, production serves no metrics at all (404).
 */
export function metricsPlacement(env: string, access: MetricsAccess): "own-port" | "api-port" | "nowhere" {
  if (access.port !== undefined) return "own-port";
  return env !== "production" || access.token !== undefined ? "api-port" : "nowhere";
}

/** What to say at start about where the metrics are: `ownUrl` is the own listener's, when there is one. */
export function describeMetrics(access: MetricsAccess, apiUrl: string, ownUrl?: string): string {
  const token = access.token ? " (bearer token required: METRICS_TOKEN)" : "";
  if (ownUrl) return `metrics: ${ownUrl}${token}`;
  return `metrics: ${apiUrl}/metrics${token}`;
}

export const METRICS_NOT_SERVED = "metrics: not served (production without METRICS_TOKEN or METRICS_PORT)";

interface MetricsReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function authorized(header: string | null | undefined, token: string | undefined): boolean {
  return token === undefined || bearerTokenMatches(header, token);
}

async function reply(
  registry: Registry,
  authorization: string | null | undefined,
  token: string | undefined,
): Promise<MetricsReply> {
  if (!authorized(authorization, token)) {
    return {
      status: 401,
      headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="metrics"' },
      body: JSON.stringify({ error: "A valid bearer token (METRICS_TOKEN) is required" }),
    };
  }
  return {
    status: 200,
    headers: { "content-type": registry.contentType },
    body: await registry.metrics(),
  };
}

/** GET /metrics on the API's port, handed to Yoga through `routes` by app.ts. */
export function useMetricsRoute(registry: Registry, token: string | undefined): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== "/metrics" || request.method !== "GET") return;
      const { status, headers, body } = await reply(registry, request.headers.get("authorization"), token);
      endResponse(new fetchAPI.Response(body, { status, headers }));
    },
  };
}

/** GET /metrics on a listener of its own (METRICS_PORT); anything else there is 404. */
export async function listenForMetrics(
  registry: Registry,
  access: MetricsAccess & { port: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://metrics.local").pathname;
    if (path !== "/metrics" || request.method !== "GET") {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found" }));
      return;
    }
    reply(registry, request.headers.authorization, access.token).then(
      ({ status, headers, body }) => response.writeHead(status, headers).end(body),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(access.port, access.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : access.port;
  return {
    url: `http://${access.host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
