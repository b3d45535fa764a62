import { afterAll, describe, expect, it } from "vitest";
import { listenForMetrics } from "../src/http/metrics-route.ts";
import { createMetrics } from "../src/observability/metrics.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";

const TOKEN = "metrics-token-for-the-scraper";
const development = await useTestServer();
const production = await useTestServer({ NODE_ENV: "production" }, development.url);
const productionWithToken = await useTestServer({ NODE_ENV: "production", METRICS_TOKEN: TOKEN }, development.url);
const productionWithPort = await useTestServer({ NODE_ENV: "production", METRICS_PORT: "9464" }, development.url);

const registry = createMetrics().registry;
const open = await listenForMetrics(registry, { host: "127.0.0.1", port: 0, token: undefined });
const guarded = await listenForMetrics(registry, { host: "127.0.0.1", port: 0, token: TOKEN });
afterAll(() => Promise.all([open.close(), guarded.close()]));

const scrape = async (server: TestServer, authorization?: string) =>
  server.yoga.fetch("http://sokudo.test/metrics", authorization ? { headers: { authorization } } : {});

describe("/metrics content", () => {
  it("still answers when the job snapshot cannot be read (database down); job figures are absent or NaN", async () => {
    const metrics = createMetrics({
      pool: () => ({ total: 10, idle: 0, waiting: 7 }),
      cacheOutages: () => 0,
      jobs: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      },
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/sokudo_db_pool_connections\{state="waiting"\} 7/);
    expect(text).not.toMatch(/^sokudo_job_queue_depth\{/m);
    // prom-client writes NaN as "Nan"; Prometheus parses it case-insensitively (promtool accepts it).
    expect(text).toMatch(/^sokudo_job_workers nan$/im); // unknown, so "no worker" does not alert
    expect(text).toMatch(/^sokudo_job_oldest_ready_age_seconds nan$/im);
  });

  it("reports the job snapshot when it can be read", async () => {
    const metrics = createMetrics({
      jobs: async () => ({
        readyByTask: { report__generate: 3 },
        oldestReadyAgeSeconds: 12,
        tracked: [{ kind: "report__generate", status: "failed", count: 2 }],
        workers: 2,
      }),
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^sokudo_job_queue_depth\{task="report__generate"\} 3$/m);
    expect(text).toMatch(/^sokudo_job_oldest_ready_age_seconds 12$/m);
    expect(text).toMatch(/^sokudo_job_workers 2$/m);
    expect(text).toMatch(/^sokudo_jobs_tracked\{task="report__generate",status="failed"\} 2$/m);
  });
});

describe("who may read /metrics on the API's port", () => {
  it("anyone outside production, as before", async () => {
    const response = await scrape(development);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# HELP sokudo_/m);
  });

  it("nobody in production without METRICS_TOKEN or METRICS_PORT: 404, the operations and load stay private", async () => {
    expect((await scrape(production)).status).toBe(404);
  });

  it("in production with METRICS_TOKEN, only a scrape sending it as a bearer token", async () => {
    const anonymous = await scrape(productionWithToken);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect((await scrape(productionWithToken, `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await scrape(productionWithToken, "Bearer short")).status).toBe(401);
    expect((await scrape(productionWithToken, TOKEN)).status).toBe(401);
    const scraper = await scrape(productionWithToken, `Bearer ${TOKEN}`);
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toMatch(/^# HELP sokudo_/m);
  });

  it("nobody with METRICS_PORT: the metrics are on their own listener", async () => {
    expect((await scrape(productionWithPort)).status).toBe(404);
  });
});

describe("the metrics listener of METRICS_PORT", () => {
  it("serves /metrics, and nothing else", async () => {
    const response = await fetch(open.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# HELP sokudo_/m);
    expect((await fetch(open.url.replace("/metrics", "/graphql"))).status).toBe(404);
  });

  it("asks for METRICS_TOKEN when it is set", async () => {
    expect((await fetch(guarded.url)).status).toBe(401);
    expect((await fetch(guarded.url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});
