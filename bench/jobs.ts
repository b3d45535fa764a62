// Background jobs: enqueue latency of the mutation, jobs per second with 1 and 2 worker
// processes, how soon a user-facing job starts behind 1,000 maintenance jobs, and API latency
// while reports render in the same process (worker threads) vs idle.
import { type ChildProcess, spawn } from "node:child_process";
import pg from "pg";
import { CONNECTIONS, load, SECONDS, type Server, startServer } from "./servers.ts";

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)] ?? 0;

function startWorkers(count: number, databaseUrl: string): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ["src/main.ts", "worker"], {
      env: {
        ...process.env,
        NODE_ENV: "production",
        LOG_LEVEL: "warn",
        DATABASE_URL: databaseUrl,
        OUTBOX_DIR: ".data/bench-outbox",
      },
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 120_000, stepMs = 20) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export async function runJobsBench(databaseUrl: string, log: (line: string) => void) {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const servers: Server[] = [];
  const workers: ChildProcess[] = [];
  const pending = async () =>
    Number(
      (await db.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE attempts < max_attempts`)).rows[0].n,
    );
  try {
    // The API with its in-process worker (`start`), as `npm start` runs it.
    const api = await startServer("sokudo", ["src/main.ts", "start"], 4660, databaseUrl, {
      RESPONSE_CACHE: "off",
      OUTBOX_DIR: ".data/bench-outbox",
      NODE_ENV: "development",
    });
    servers.push(api);
    await db.query(`DELETE FROM graphile_worker._private_jobs`);
    const gql = async (query: string, token?: string) => {
      const response = await fetch(api.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data: Record<string, { token?: string; job?: { id: string } }> };
    };
    const tokens: string[] = [];
    for (let i = 1; i <= 20; i++) {
      const login = await gql(
        `mutation { logIn(input: { email: "user${i}@example.com", password: "password" }) { token } }`,
      );
      tokens.push(login.data.logIn?.token as string);
    }
    const request = (i: number) =>
      gql(
        `mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id status } } } }`,
        tokens[i % tokens.length],
      );

    // 1. Enqueue latency of the mutation (the job row and its queue entry in one transaction).
    const enqueue: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await request(i);
      enqueue.push(performance.now() - started);
    }
    await waitUntil(async () => (await pending()) === 0);

    // 2. API latency idle vs while 200 reports render in the API's own process (worker threads).
    const idle = await load(api, "{ tags { slug postCount } }");
    const loading = load(api, "{ tags { slug postCount } }");
    for (let i = 0; i < 200; i++) await request(i);
    const busy = await loading;
    await waitUntil(async () => (await pending()) === 0);

    // 3. Jobs per second with 1 and 2 separate worker processes (API's own worker included).
    const throughput: Record<string, number> = {};
    for (const count of [1, 2]) {
      await db.query(
        `SELECT graphile_worker.add_job('jobs__cleanup', '{}'::json, priority => 100, run_at => now() + interval '1 hour') FROM generate_series(1, 1000)`,
      );
      workers.push(...startWorkers(count, databaseUrl));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await db.query(`UPDATE graphile_worker._private_jobs SET run_at = now()`);
      const started = performance.now();
      await waitUntil(async () => (await pending()) === 0, 300_000, 50);
      throughput[`${count} worker process${count > 1 ? "es" : ""} + API's`] =
        1000 / ((performance.now() - started) / 1000);
      for (const worker of workers.splice(0)) worker.kill("SIGTERM");
    }

    // 4. A user-facing job behind 1,000 ready maintenance jobs (API's worker only).
    await db.query(
      `SELECT graphile_worker.add_job('jobs__cleanup', '{}'::json, priority => 100) FROM generate_series(1, 1000)`,
    );
    const startedAt = performance.now();
    const job = await request(0);
    const jobId = Number(
      Buffer.from(job.data.requestActivityReport?.job?.id as string, "base64")
        .toString()
        .split(":")[1],
    );
    await waitUntil(
      async () => (await db.query(`SELECT status FROM jobs WHERE id = $1`, [jobId])).rows[0].status !== "queued",
      60_000,
      5,
    );
    const startLatency = performance.now() - startedAt;
    await waitUntil(async () => (await pending()) === 0, 300_000, 50);

    log(`\n## background jobs (API with its in-process worker; load ${SECONDS} s, ${CONNECTIONS} connections)`);
    log(
      `requestActivityReport latency (200 sequential): p50 ${percentile(enqueue, 0.5).toFixed(1)} ms, p99 ${percentile(enqueue, 0.99).toFixed(1)} ms`,
    );
    for (const [name, rate] of Object.entries(throughput))
      log(`jobs per second, ${name}: ${rate.toFixed(0)} (1,000 maintenance jobs)`);
    log(`user-facing job start behind 1,000 ready maintenance jobs: ${startLatency.toFixed(0)} ms (target < 1,000 ms)`);
    log(
      `API { tags } p99 idle ${idle.p99} ms (${idle.rps.toFixed(0)} req/s) vs while 200 reports render ${busy.p99} ms (${busy.rps.toFixed(0)} req/s)`,
    );
    return {
      enqueue: { p50: percentile(enqueue, 0.5), p99: percentile(enqueue, 0.99) },
      throughput,
      startLatency,
      idle,
      busy,
    };
  } finally {
    for (const worker of workers) worker.kill("SIGTERM");
    for (const server of servers) server.process.kill("SIGTERM");
    await db.end();
  }
}
