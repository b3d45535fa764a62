import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { UpstreamName } from "../config.ts";

/**
 * Built-in demo versions of the external services, each an HTTP server of its own on a
 * loopback port, serving the real contract with deterministic data, realistic latency and a
 * configurable failure rate (503). Handles starting with "unknown" are 404, as for a real
 * service that has never heard of them.
 */

const BASE_LATENCY_MS: Record<UpstreamName, number> = {
  reputation: 40,
  geo: 60,
  badges: 90,
  activity: 150,
  recommender: 250,
};
const COUNTRIES = [
  ["JP", "Asia/Tokyo"],
  ["DE", "Europe/Berlin"],
  ["US", "America/New_York"],
  ["BR", "America/Sao_Paulo"],
  ["IN", "Asia/Kolkata"],
] as const;
const BADGES = ["first-post", "commenter", "streak-7", "popular", "reviewer", "mentor"];

/** A stable number in [0, 1) for a handle and a salt. */
function hash(handle: string, salt: string): number {
  return createHash("sha256").update(`${salt}:${handle}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function demoBody(service: UpstreamName, handle: string): unknown {
  switch (service) {
    case "reputation":
      return {
        handle,
        score: Math.round(hash(handle, "score") * 10_000) / 10,
        rank: 1 + Math.floor(hash(handle, "rank") * 1000),
      };
    case "geo": {
      const [country, timezone] = COUNTRIES[Math.floor(hash(handle, "geo") * COUNTRIES.length)] ?? COUNTRIES[0];
      return { country, timezone };
    }
    case "badges":
      return {
        badges: BADGES.filter((_, i) => hash(handle, `badge${i}`) < 0.4).map((id) => ({
          id,
          name: id.replace(/-/g, " "),
        })),
      };
    case "activity":
      return {
        commitsLastWeek: Math.floor(hash(handle, "commits") * 80),
        streakDays: Math.floor(hash(handle, "streak") * 60),
      };
    case "recommender":
      return { postIds: Array.from({ length: 5 }, (_, i) => 1 + Math.floor(hash(handle, `post${i}`) * 300)) };
  }
}

export interface DemoUpstreams {
  urls: Record<UpstreamName, string>;
  close(): Promise<void>;
}

export async function startDemoUpstreams(
  services: UpstreamName[],
  options: { failureRate: number; latencyMs?: Partial<Record<UpstreamName, number>>; jitter?: boolean },
): Promise<DemoUpstreams> {
  const servers: Server[] = [];
  const urls = {} as Record<UpstreamName, string>;
  for (const service of services) {
    const base = options.latencyMs?.[service] ?? BASE_LATENCY_MS[service];
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://demo");
      const latency = options.jitter === false ? base : base * (0.75 + Math.random() * 0.5);
      setTimeout(() => {
        if (Math.random() < options.failureRate) {
          response.writeHead(503).end();
          return;
        }
        const single = url.pathname.match(/^\/users\/([^/]+)$/);
        if (single?.[1]) {
          const handle = decodeURIComponent(single[1]);
          if (handle.startsWith("unknown")) return void response.writeHead(404).end();
          response
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify(demoBody(service, handle)));
          return;
        }
        if (service === "reputation" && url.pathname === "/users") {
          const handles = (url.searchParams.get("handles") ?? "")
            .split(",")
            .filter((h) => h && !h.startsWith("unknown"));
          const users = handles.map((handle) => demoBody("reputation", handle));
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ users }));
          return;
        }
        response.writeHead(404).end();
      }, latency);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    urls[service] = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    servers.push(server);
  }
  return {
    urls,
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
