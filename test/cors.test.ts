import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { useTestServer } from "./helpers/server.ts";

const production = await useTestServer({ NODE_ENV: "production" });
const listed = await useTestServer(
  { NODE_ENV: "production", CORS_ORIGINS: "https://app.example.com, https://admin.example.com" },
  production.url,
);
const development = await useTestServer({ NODE_ENV: "development" }, production.url);

type Server = typeof production;

async function request(server: Server, origin: string | null, method: "POST" | "OPTIONS" = "POST") {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (origin !== null) headers.origin = origin;
  if (method === "OPTIONS") {
    headers["access-control-request-method"] = "POST";
    headers["access-control-request-headers"] = "content-type, authorization";
  }
  const response = await server.yoga.fetch("http://sokudo.test/graphql", {
    method,
    headers,
    body: method === "POST" ? JSON.stringify({ query: "{ __typename }" }) : undefined,
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    allowOrigin: response.headers.get("access-control-allow-origin"),
    allowCredentials: response.headers.get("access-control-allow-credentials"),
    vary: response.headers.get("vary"),
  };
}

describe("CORS", () => {
  it.each(["POST", "OPTIONS"] as const)(
    "in production without CORS_ORIGINS allows no other origin (%s)",
    async (method) => {
      const result = await request(production, "https://evil.example", method);
      expect(result).toMatchObject({ allowOrigin: null, allowCredentials: null });
    },
  );

  it("with CORS_ORIGINS echoes a listed origin, with credentials and Vary: Origin", async () => {
    for (const origin of ["https://app.example.com", "https://admin.example.com"]) {
      const result = await request(listed, origin, "OPTIONS");
      expect(result).toMatchObject({ allowOrigin: origin, allowCredentials: "true" });
      expect(result.vary).toMatch(/Origin/);
    }
    expect(await request(listed, "https://app.example.com")).toMatchObject({
      status: 200,
      allowOrigin: "https://app.example.com",
      allowCredentials: "true",
    });
  });

  it.each(["https://evil.example", "null", "https://app.example.com.evil.example", "http://app.example.com"])(
    "with CORS_ORIGINS gives %s no CORS headers at all",
    async (origin) => {
      for (const method of ["POST", "OPTIONS"] as const) {
        expect(await request(listed, origin, method)).toMatchObject({ allowOrigin: null, allowCredentials: null });
      }
    },
  );

  it("in development allows any origin, never with credentials", async () => {
    for (const method of ["POST", "OPTIONS"] as const) {
      const result = await request(development, "http://localhost:5173", method);
      expect(result).toMatchObject({ allowOrigin: "http://localhost:5173", allowCredentials: null });
    }
  });

  it("still answers same-origin and non-browser requests", async () => {
    expect(await request(production, null)).toMatchObject({ status: 200, allowOrigin: null });
  });

  it("refuses a malformed CORS_ORIGINS at start, naming the variable", () => {
    expect(() => loadConfig({ CORS_ORIGINS: "https://app.example.com/path" })).toThrow(/CORS_ORIGINS/);
    expect(loadConfig({ CORS_ORIGINS: "*" }).cors).toEqual({ kind: "any" });
  });
});
