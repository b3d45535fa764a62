import type { CORSOptions } from "graphql-yoga";
import type { CorsConfig } from "../config.ts";

const EXPOSED_HEADERS = ["retry-after", "server-timing"];

/** Yoga's `cors` option: decided per request from its Origin header. */
export function corsOptions(config: CorsConfig): (request: Request) => CORSOptions {
  return (request) => {
    const requestOrigin = request.headers.get("origin");
    if (config.kind === "none" || !requestOrigin) return false;
    // Yoga echoes the request's Origin (with Vary: Origin) for "*" and for a listed one.
    if (config.kind === "any") {
      return { origin: ["*"], credentials: false, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 };
    }
    if (!config.origins.includes(requestOrigin)) return false;
    return { origin: config.origins, credentials: true, exposedHeaders: EXPOSED_HEADERS, maxAge: 600 };
  };
}
