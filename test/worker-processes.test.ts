import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterEach, describe, expect, inject, it } from "vitest";
import { holdWorkerLiveness, releaseDeadWorkersJobs } from "../src/jobs/liveness.ts";
import { graphql } from "./gql/index.ts";
import { answered, createPost, signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { createTestLogger } from "./helpers/logger.ts";
import { stopProcess } from "./helpers/child-process.ts";
import { adminQuery, withDatabase } from "./helpers/pg-admin.ts";
import { useTestServer } from "./helpers/server.ts";
import { startWorkerProcess as startWorkerProcessOn } from "./helpers/worker-process.ts";

// Real `npm run worker` processes (src/main.ts worker) on this file's database. A report job is
// held mid-run deterministically: the test locks the `likes` table, which the report reads after
// it has marked itself running.

const scratch = await mkdtemp(path.join(tmpdir(), "sokudo-workers-"));
const server = await useTestServer({ RESPONSE_CACHE: "off" });
const owner = await signUpUser(server, "worker_owner");
for (let i = 0; i < 3; i++) await createPost(server, owner.token, { title: `worker post ${i}` });
// A failed test must not leave its workers or its lock to the next one.
const children: ChildProcess[] = [];
const heldLocks: { release(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => stopProcess(child, "SIGKILL")));
  for (const lock of heldLocks.splice(0)) await lock.release();
});

const Request = graphql(`
  mutation WorkerReport($input: RequestActivityReportInput!) {
    requestActivityReport(input: $input) {
      __typename
      ... on RequestActivityReportPayload {
        job {
          id
        }
      }
    }
  }
`);

const startWorkerProcess = (env: Record<string, string> = {}) =>
  startWorkerProcessOn(server.url, scratch, env, (child) => children.push(child));

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const trackedJob = async (id: string) =>
  (
    await server.db.pool.query<{ status: string; attempts: number; error: string | null }>(
      `SELECT status, attempts, error FROM jobs WHERE id = $1`,
      [Number(decodeGlobalID(id).id)],
    )
  ).rows[0];

const queuedReport = async () =>
  (
    await server.db.pool.query<{ locked_by: string | null; attempts: number; last_error: string | null }>(
      `SELECT locked_by, attempts, last_error FROM graphile_worker.jobs WHERE task_identifier = 'report__generate'`,
    )
  ).rows[0];

/** Holds an exclusive lock on `likes` until `release`: a report that reaches it waits, mid-job. */
async function holdLikesTable() {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE likes IN ACCESS EXCLUSIVE MODE");
  let held = true;
  const lock = {
    async release() {
      if (!held) return;
      held = false;
      await client.query("ROLLBACK");
      await client.end();
    },
  };
  heldLocks.push(lock);
  return lock;
}

async function requestReportAndWaitUntilRunning() {
  const requested = await server.execute(Request, { token: owner.token, variables: { input: {} } });
  const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
  await waitFor(
    () => trackedJob(id),
    (job) => job?.status === "running",
    "the report to start",
  );
  return id;
}

describe("worker processes", () => {
  it("a worker killed mid-job leaves its job to another worker, which completes it at once", async () => {
    const likes = await holdLikesTable();
    const first = await startWorkerProcess();
    const id = await requestReportAndWaitUntilRunning();
    expect((await queuedReport())?.locked_by).toBe(first.poolId);

    first.child.kill("SIGKILL");
    await first.exited;
    await likes.release();
    // graphile-worker alone keeps the job locked by the dead worker for 4 hours.
    expect((await queuedReport())?.locked_by).toBe(first.poolId);
    await waitFor(
      async () =>
        (await server.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'sokudo-worker-liveness'`))
          .rowCount,
      (alive) => alive === 0,
      "the dead worker's connections to close",
    );

    const second = await startWorkerProcess();
    const done = await waitFor(
      () => trackedJob(id),
      (job) => job?.status === "succeeded",
      "the report to succeed",
    );
    expect(done?.attempts).toBe(2);
    expect(second.output()).toContain(`worker ${first.poolId} died: released its 1 locked job(s) for retry`);
    const registered = await server.db.pool.query(`SELECT pool_id FROM job_workers`);
    expect(registered.rows).toEqual([{ pool_id: second.poolId }]);

    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect((await server.db.pool.query(`SELECT pool_id FROM job_workers`)).rows).toEqual([]);
  }, 60_000);

  it("a worker that is already running releases a dead worker's job on its next sweep", async () => {
    const likes = await holdLikesTable();
    const first = await startWorkerProcess();
    const id = await requestReportAndWaitUntilRunning();
    const second = await startWorkerProcess(); // its start-up sweep sees the first one alive
    expect(second.output()).not.toContain("died");

    first.child.kill("SIGKILL");
    await first.exited;
    await likes.release();
    // Sweeps run every 15 s: the job completes within one interval plus a poll.
    const done = await waitFor(
      () => trackedJob(id),
      (job) => job?.status === "succeeded",
      "the report to succeed",
      40_000,
    );
    expect(done?.attempts).toBe(2);
    expect(second.output()).toContain(`worker ${first.poolId} died: released its 1 locked job(s) for retry`);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 60_000);

  it("SIGTERM lets a running job finish before the worker exits", async () => {
    const likes = await holdLikesTable();
    const worker = await startWorkerProcess({ WORKER_SHUTDOWN_TIMEOUT_MS: "20000" });
    const id = await requestReportAndWaitUntilRunning();
    worker.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(worker.child.exitCode).toBeNull(); // still waiting on its job
    await likes.release();
    expect(await worker.exited).toBe(0);
    expect(await trackedJob(id)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await queuedReport()).toBeUndefined(); // graphile-worker recorded the completion before stopping
  }, 60_000);

  it("SIGTERM aborts a job that outlives the grace period and releases it for a retry", async () => {
    const likes = await holdLikesTable();
    const worker = await startWorkerProcess({ WORKER_SHUTDOWN_TIMEOUT_MS: "300" });
    const id = await requestReportAndWaitUntilRunning();
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0); // while the lock is still held: the query was cancelled
    expect(await trackedJob(id)).toMatchObject({
      status: "queued",
      attempts: 1,
      error: "interrupted: the worker shut down before the job finished",
    });
    const released = await queuedReport();
    expect(released).toMatchObject({ locked_by: null, attempts: 1 });
    expect(released?.last_error).toContain("interrupted");
    await likes.release();

    // The retry is due after graphile-worker's backoff; make it due now and run it.
    await server.db.pool.query(`UPDATE graphile_worker._private_jobs SET run_at = now()`);
    await runDueJobs(server.url, { outboxDir: scratch });
    expect(await trackedJob(id)).toMatchObject({ status: "succeeded", attempts: 2 });
  }, 60_000);

  it("releases the jobs of registered pools whose process is gone, never a live or unregistered worker's", async () => {
    const logger = createTestLogger(server.config);
    const live = await holdWorkerLiveness(server.url, "pool-live", logger);
    await server.db.pool.query(`INSERT INTO job_workers (pool_id, hostname, pid) VALUES ('pool-gone', 'elsewhere', 1)`);
    // One job each locked by: this live pool, a registered pool with no process, and a pool that
    // never registered (graphile-worker's runOnce, its CLI, another tool).
    await server.db.pool.query(
      `SELECT graphile_worker.add_job('jobs__cleanup', '{}'::json, job_key => key)
       FROM unnest(ARRAY['live', 'gone', 'foreign']) AS key`,
    );
    await server.db.pool.query(
      `UPDATE graphile_worker._private_jobs SET locked_at = now(),
         locked_by = CASE key WHEN 'live' THEN 'pool-live' WHEN 'gone' THEN 'pool-gone' ELSE 'otpool-foreign' END
       WHERE key IN ('live', 'gone', 'foreign')`,
    );
    try {
      expect(await releaseDeadWorkersJobs(server.db.pool, logger)).toEqual(["pool-gone"]);
      const jobs = await server.db.pool.query(
        `SELECT key, locked_by FROM graphile_worker.jobs WHERE key IN ('live', 'gone', 'foreign') ORDER BY key`,
      );
      expect(jobs.rows).toEqual([
        { key: "foreign", locked_by: "otpool-foreign" },
        { key: "gone", locked_by: null },
        { key: "live", locked_by: "pool-live" },
      ]);
      const registered = await server.db.pool.query(`SELECT pool_id FROM job_workers`);
      expect(registered.rows).toEqual([{ pool_id: "pool-live" }]);
    } finally {
      await live.release();
      await server.db.pool.query(`DELETE FROM graphile_worker._private_jobs WHERE key IN ('live', 'gone', 'foreign')`);
    }
  });

  it("refuses to start on a database with pending migrations, naming them", async () => {
    const adminUrl = inject("pgAdminUrl");
    const name = `sokudo_unmigrated_${process.pid}`;
    await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
    try {
      const child = spawn(process.execPath, ["src/main.ts", "worker"], {
        env: { ...process.env, NODE_ENV: "production", DATABASE_URL: withDatabase(adminUrl, name) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise((resolve) => child.once("exit", resolve));
      expect(code).toBe(1);
      expect(output).toMatch(/pending migrations \(20261124061950_init, .*\): run npm run migrate first/);
    } finally {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});
