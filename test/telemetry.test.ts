import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { forwardOutput, stopProcess } from "./helpers/child-process.ts";
import { useTestDatabase } from "./helpers/database.ts";
import { freePort } from "./helpers/free-port.ts";
import { OtlpReceiver, type ReceivedSpan } from "./helpers/otlp-receiver.ts";
import { TEST_REDIS_URL } from "./helpers/redis.ts";

// The real server process, started the way `npm run serve` starts it (telemetry loaded with
// --import), exporting OTLP/JSON to a real receiver on loopback.

const receiver = await new OtlpReceiver().start();
const databaseUrl = await useTestDatabase();
const port = await freePort();
const child: ChildProcess = spawn(process.execPath, ["--import", "./src/telemetry.ts", "src/main.ts", "serve"], {
  env: {
    ...process.env,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: "telemetry-test-secret-telemetry-test-secret",
    DEMO_UPSTREAMS: "on",
    REDIS_URL: TEST_REDIS_URL,
    CACHE_KEY_PREFIX: `test:telemetry:${process.pid}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "100",
    OTEL_SERVICE_NAME: "sokudo-test",
    METRICS_TOKEN: "telemetry-test-metrics-token",
  },
  stdio: ["ignore", "pipe", "pipe"],
});
forwardOutput(child);
afterAll(async () => {
  await stopProcess(child);
  await receiver.close();
});
const base = `http://127.0.0.1:${port}`;
// Loading the OpenTelemetry SDK takes seconds on a busy 2-core machine: wait generously, but stop
// at once if the process exits.
const startDeadline = Date.now() + 60_000;
for (;;) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    if (Date.now() > startDeadline) throw new Error("server did not start within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function graphql(query: string, token?: string) {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { response, body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] } };
}

const ancestors = (span: ReceivedSpan, spans: ReceivedSpan[]) => {
  const chain: ReceivedSpan[] = [];
  let current: ReceivedSpan | undefined = span;
  while (current?.parentSpanId) {
    current = spans.find((candidate) => candidate.spanId === current?.parentSpanId);
    if (current) chain.push(current);
  }
  return chain;
};

describe("tracing", () => {
  it("gives one trace per request: HTTP > GraphQL operation > DataLoader batches, SQL, Redis and upstream calls", async () => {
    const signUp = await graphql(
      'mutation SignUp { signUp(input: { email: "t@example.test", handle: "traced", name: "T", password: "long enough" }) { ... on AuthPayload { token } } }',
    );
    expect(signUp.body.errors).toBeUndefined();
    const { response, body } = await graphql(
      "query Traced { users(first: 5) { edges { node { handle postCount posts(first: 2) { edges { node { title } } } insights { reputation { rank } location { country } } } } } }",
    );
    expect(body.errors).toBeUndefined();
    const traceId = response.headers.get("x-trace-id");
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get("traceparent")).toContain(traceId);

    const isHttpServerSpan = (span: ReceivedSpan) =>
      span.scope.includes("instrumentation-http") && span.name === "POST";
    // The HTTP span ends after the response is written, so it may come in a later export than the rest.
    const spans = await receiver.waitFor(
      (all) =>
        all.some((span) => span.traceId === traceId && span.name === "query Traced") &&
        all.some((span) => span.traceId === traceId && span.scope.includes("undici")) &&
        all.some((span) => span.traceId === traceId && isHttpServerSpan(span)),
    );
    const trace = spans.filter((span) => span.traceId === traceId);
    const http = trace.find(isHttpServerSpan);
    const operation = trace.find((span) => span.name === "query Traced");
    expect(http?.parentSpanId).toBeUndefined();
    expect(operation?.parentSpanId).toBe(http?.spanId);
    expect(operation?.attributes).toMatchObject({
      "graphql.operation.type": "query",
      "graphql.operation.name": "Traced",
    });

    const sql = trace.filter((span) => span.name.startsWith("pg.query"));
    expect(sql.length).toBeGreaterThan(0);
    for (const statement of sql) {
      expect(statement.attributes["db.system.name"]).toBe("postgresql");
      expect(ancestors(statement, trace)).toContain(operation);
    }
    // Every listed user's first posts: one batch with one key per user.
    const users = (body.data?.users as { edges: unknown[] }).edges.length;
    const batch = trace.find((span) => span.name === "dataloader.batch page Post.authorId");
    expect(users).toBeGreaterThan(0);
    expect(batch?.attributes["dataloader.batch.size"]).toBe(users);
    expect(trace.some((span) => span.scope.includes("ioredis") && span.attributes["db.system.name"] === "redis")).toBe(
      true,
    );
    const upstream = trace.find((span) => span.name === "upstream geo");
    const call = trace.find((span) => span.scope.includes("undici") && span.parentSpanId === upstream?.spanId);
    expect(call?.attributes["url.path"]).toBe("/users/traced");
    // No span per field resolver: the trace holds infrastructure spans, not one per field.
    expect(
      trace.filter((span) => span.scope === "sokudo").every((span) => /^(query|dataloader|upstream)/.test(span.name)),
    ).toBe(true);
  });

  it("names the operation span after the selected operation, also when a fragment comes first", async () => {
    const { response: named, body } = await graphql(
      "fragment Slug on Tag { slug } query FragmentFirst { tags { ...Slug } }",
    );
    expect(body.errors).toBeUndefined();
    const traceId = named.headers.get("x-trace-id");
    const spans = await receiver.waitFor((all) =>
      all.some((span) => span.traceId === traceId && span.name === "query FragmentFirst"),
    );
    expect(
      spans.find((span) => span.traceId === traceId && span.name === "query FragmentFirst")?.attributes,
    ).toMatchObject({
      "graphql.operation.type": "query",
      "graphql.operation.name": "FragmentFirst",
    });
  });
});

describe("/metrics", () => {
  it("exposes request, error, SQL, pool, cache and upstream metrics with bounded labels, valid for promtool", async () => {
    await graphql("query Metered { tags { slug } }");
    await graphql("query Metered { tags { slug } }");
    await graphql("{ nope }");
    // Production: /metrics answers only the scraper's token.
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const scrape = await fetch(`${base}/metrics`, {
      headers: { authorization: "Bearer telemetry-test-metrics-token" },
    });
    const text = await scrape.text();
    expect(text).toMatch(/sokudo_graphql_requests_total\{operation_name="Metered",operation_type="query"\} 2/);
    expect(text).toMatch(/sokudo_graphql_request_duration_seconds_bucket\{le="0\.005",operation_name="Metered"/);
    expect(text).toMatch(/sokudo_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1/);
    expect(text).toMatch(/sokudo_sql_statements_total\{operation_name="Metered"\} \d+/);
    expect(text).toMatch(/sokudo_db_pool_connections\{state="idle"\} \d+/);
    expect(text).toMatch(/sokudo_response_cache_requests_total\{result="hit"\} \d+/);
    expect(text).toMatch(/sokudo_upstream_calls_total\{service="geo",outcome="ok"\} \d+/);
    expect(text).toMatch(/sokudo_upstream_breaker_state\{service="geo"\} 0/);
    expect(text).toMatch(/sokudo_upstream_cache_requests_total\{service="geo",result="miss"\} \d+/);
    expect(text).toMatch(/sokudo_job_queue_depth\{task="user__send_welcome_email"\} \d+/);
    expect(text).toMatch(/sokudo_job_oldest_ready_age_seconds \d/);
    expect(text).toMatch(/sokudo_job_workers 0/); // this test runs the API alone (`serve`)
    expect(text).not.toMatch(/tags \{ slug \}/);

    const file = path.join(mkdtempSync(path.join(tmpdir(), "sokudo-metrics-")), "metrics.txt");
    writeFileSync(file, text);
    const lint = execFileSync("sh", ["-c", `promtool check metrics < ${file} 2>&1 || true`]).toString();
    expect(lint.trim()).toBe("");
  });
});

describe("a job's trace", () => {
  it("joins the trace of the request that enqueued it, in another process", async () => {
    const { response, body } = await graphql(
      'mutation Welcome { signUp(input: { email: "w@example.test", handle: "welcome_trace", name: "W", password: "long enough" }) { ... on AuthPayload { token } } }',
    );
    expect(body.errors).toBeUndefined();
    const traceId = response.headers.get("x-trace-id");
    const worker = spawn(process.execPath, ["--import", "./src/telemetry.ts", "src/main.ts", "worker"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        LOG_LEVEL: "warn",
        DATABASE_URL: databaseUrl,
        OUTBOX_DIR: mkdtempSync(path.join(tmpdir(), "sokudo-outbox-")),
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_BSP_SCHEDULE_DELAY: "100",
        OTEL_SERVICE_NAME: "sokudo-worker-test",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    forwardOutput(worker);
    try {
      const spans = await receiver.waitFor((all) =>
        all.some((span) => span.traceId === traceId && span.name === "job user__send_welcome_email"),
      );
      const trace = spans.filter((span) => span.traceId === traceId);
      const enqueue = trace.find((span) => span.name === "job.enqueue user__send_welcome_email");
      const job = trace.find((span) => span.name === "job user__send_welcome_email");
      expect(enqueue?.attributes["messaging.system"]).toBe("graphile-worker");
      expect(job?.parentSpanId).toBe(enqueue?.spanId);
      expect(job?.kind).toBe(5); // CONSUMER
    } finally {
      await stopProcess(worker);
    }
  }, 60_000);
});
