import type { CORSOptions } from "graphql-yoga";
import { z } from "zod";

/**
 * CORS_ORIGINS: origins allowed to call the API from a browser, with credentials (cookies, HTTP
 * auth); `*`: any origin, never with credentials. Unset: any origin without credentials in
 * development, no cross-origin access in production. An origin not allowed gets no CORS headers,
 * so the browser withholds the response; an allowed one is echoed alone (never "null", which
 * sandboxed pages send).
 */
export type CorsConfig = { kind: "listed"; origins: string[] } | { kind: "any" } | { kind: "none" };

const origin = /^https?:\/\/[^/\s,]+$/;

export const corsVariables = {
  CORS_ORIGINS: z
    .string()
    .refine(
      (value) => value.trim() === "*" || value.split(",").every((entry) => origin.test(entry.trim())),
      "*, or a comma-separated list of origins such as https://app.example.com (scheme and host, no path)",
    )
    .optional(),
};

export function corsConfig(value: string | undefined, env: string): CorsConfig {
  if (value?.trim() === "*") return { kind: "any" };
  if (value) return { kind: "listed", origins: value.split(",").map((entry) => entry.trim().replace(/\/$/, "")) };
  return env === "production" ? { kind: "none" } : { kind: "any" };
}

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
