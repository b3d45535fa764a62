import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadTelemetryConfig } from "../src/config.ts";

describe("config", () => {
  it("has working defaults for a fresh machine", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, databaseUrl: undefined, env: "development" });
    expect(config.pool).toMatchObject({ min: 2, max: 10 });
  });

  it("reads and converts the variables it knows", () => {
    const config = loadConfig({
      PORT: "8080",
      DATABASE_URL: "postgresql://u@h/db",
      DB_POOL_MAX: "50",
      DB_POOL_MIN: "10",
    });
    expect(config).toMatchObject({ port: 8080, databaseUrl: "postgresql://u@h/db", pool: { min: 10, max: 50 } });
  });

  it.each([
    [{ PORT: "http" }, /PORT="http"/],
    [{ PORT: "70000" }, /PORT="70000"/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL \(value not shown\): .*postgres/],
    [{ AUTH_SECRET: "short" }, /AUTH_SECRET \(value not shown\): at least 32 characters/],
    [{ NODE_ENV: "staging" }, /NODE_ENV="staging"/],
    [{ DB_POOL_MIN: "20", DB_POOL_MAX: "5" }, /DB_POOL_MIN=20: must not exceed DB_POOL_MAX=5/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, /OTEL_EXPORTER_OTLP_ENDPOINT \(value not shown\): an http/],
    [{ OTEL_SDK_DISABLED: "yes" }, /OTEL_SDK_DISABLED="yes"/],
    [{ CACHE_TTL_POST_SECONDS: "0" }, /CACHE_TTL_POST_SECONDS="0"/],
    [{ INTROSPECTION: "maybe" }, /INTROSPECTION="maybe"/],
    [
      { HTTP_HEADERS_TIMEOUT_MS: "40000" },
      /HTTP_HEADERS_TIMEOUT_MS=40000: must not exceed HTTP_REQUEST_TIMEOUT_MS=30000/,
    ],
    [{ MAX_CONNECTIONS_PER_ADDRESS: "-1" }, /MAX_CONNECTIONS_PER_ADDRESS="-1"/],
    [{ METRICS_TOKEN: "short" }, /METRICS_TOKEN \(value not shown\): at least 16 characters/],
    [{ METRICS_PORT: "0" }, /METRICS_PORT="0"/],
  ])("rejects %o with a message naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("turns introspection off by default in production only; INTROSPECTION overrides", () => {
    expect(loadConfig({}).introspection).toBe("on");
    expect(loadConfig({ NODE_ENV: "production" }).introspection).toBe("off");
    expect(loadConfig({ NODE_ENV: "production", INTROSPECTION: "authenticated" }).introspection).toBe("authenticated");
  });

  it("caps connections per address at 256, and not at all behind a proxy unless MAX_CONNECTIONS_PER_ADDRESS says", () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnectionsPerAddress: 256,
    });
    expect(loadConfig({ TRUST_PROXY_HOPS: "1" }).http.maxConnectionsPerAddress).toBeNull();
    expect(
      loadConfig({ TRUST_PROXY_HOPS: "1", MAX_CONNECTIONS_PER_ADDRESS: "2000" }).http.maxConnectionsPerAddress,
    ).toBe(2000);
    expect(loadConfig({ MAX_CONNECTIONS_PER_ADDRESS: "0" }).http.maxConnectionsPerAddress).toBeNull();
  });

  it("names a bad secret or URL but never echoes its value", () => {
    const secrets = {
      AUTH_SECRET: "hunter2-is-my-secret",
      DATABASE_URL: "mysql://admin:s3cr3t-db-password@db.internal/app",
      REDIS_URL: "http://:s3cr3t-redis-password@cache.internal",
      SMTP_URL: "mail://user:s3cr3t-smtp-password@mail",
      UPSTREAM_GEO_URL: "ftp://token-s3cr3t@geo",
    };
    let message = "";
    try {
      loadConfig(secrets);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of Object.keys(secrets)) expect(message).toContain(name);
    expect(message).not.toMatch(/hunter2|s3cr3t/);
  });

  it("reports every problem at once, the new sections' too", () => {
    expect(() =>
      loadConfig({ PORT: "x", OTEL_SERVICE_NAME: "", CACHE_TTL_TAG_SECONDS: "-1", RATE_LIMIT_OPERATIONS: "lots" }),
    ).toThrow(/PORT="x".*\n.*RATE_LIMIT_OPERATIONS="lots".*\n.*CACHE_TTL_TAG_SECONDS="-1"/);
  });

  it("reads a type's cache TTL override by the type's name, and leaves the rest to the types' declarations", () => {
    const config = loadConfig({ CACHE_TTL_BOOKMARK_SECONDS: "60", CACHE_TTL_VIEWER_SECONDS: "120" });
    expect(config.responseCache.ttl).toEqual({ viewerSeconds: 120, byType: { BOOKMARK: 60 } });
  });

  it("gives telemetry its settings before the application loads, and none when they are invalid", () => {
    expect(loadTelemetryConfig({})).toEqual({ endpoint: undefined, serviceName: "sokudo" });
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://otel:4318/v1/traces" })).toEqual({
      endpoint: "http://otel:4318/v1/traces",
      serviceName: "sokudo",
    });
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel:4318", OTEL_SDK_DISABLED: "true" })).toEqual(
      {
        endpoint: undefined,
        serviceName: "sokudo",
      },
    );
    expect(loadTelemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "otel" })).toBeNull();
  });
});
