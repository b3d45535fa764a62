import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { PRIORITY } from "../src/jobs/enqueue.ts";
import { JOBS_CLEANUP } from "../src/jobs/tasks/jobs__cleanup.ts";
import { graphql } from "./gql/index.ts";
import { answered, signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const owner = await signUpUser(server, "queued");
const scratch = await mkdtemp(path.join(tmpdir(), "sokudo-queue-"));

/** Runs the due jobs one at a time, in priority order. */
const drain = () => runDueJobs(server.url, { outboxDir: scratch }, { concurrency: 1 });

const Request = graphql(`
  mutation QueueReport($input: RequestActivityReportInput!) {
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
const Status = graphql(`
  query QueueJob($id: ID!) {
    job(id: $id) {
      status
      attempts
      error
    }
  }
`);

describe("job queue", () => {
  it("runs a user-facing job before a backlog of 1,000 maintenance jobs", async () => {
    await drain(); // the welcome mail of the sign-up above
    await server.db.pool.query(
      `SELECT graphile_worker.add_job($1, '{}'::json, priority => $2, run_at => now() - interval '1 minute')
       FROM generate_series(1, 1000)`,
      [JOBS_CLEANUP, PRIORITY.maintenance],
    );
    const requested = await server.execute(Request, { token: owner.token, variables: { input: {} } });
    const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
    // Run exactly one job: graphile-worker takes the most urgent one first.
    const { rows } = await server.db.pool.query<{ task_identifier: string }>(
      `SELECT task_identifier FROM graphile_worker.jobs WHERE locked_at IS NULL ORDER BY priority, run_at, id LIMIT 1`,
    );
    expect(rows[0]?.task_identifier).toBe("report__generate");
    await drain();
    const job = await server.execute(Status, { token: owner.token, variables: { id } });
    expect(job.data?.job?.status).toBe("SUCCEEDED");
    // The backlog ran too, after it (runOnce drains the queue).
    const left = await server.db.pool.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs`);
    expect(left.rows[0].n).toBe(0);
  });

  it("retries a failing job and marks it failed with its error after the last attempt", async () => {
    // PostgreSQL itself refuses to store the report's files, on every attempt.
    await server.db.pool.query(
      `CREATE FUNCTION refuse_report_files() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'report storage refused'; END $$;
       CREATE TRIGGER refuse_report_files BEFORE INSERT ON report_files FOR EACH ROW EXECUTE FUNCTION refuse_report_files()`,
    );
    onTestFinished(async () => {
      await server.db.pool.query(`DROP FUNCTION refuse_report_files() CASCADE`);
    });
    const requested = await server.execute(Request, { token: owner.token, variables: { input: {} } });
    const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await drain();
      const job = await server.execute(Status, { token: owner.token, variables: { id } });
      expect(job.data?.job?.attempts).toBe(attempt);
      expect(job.data?.job?.status).toBe(attempt < 3 ? "QUEUED" : "FAILED");
      expect(job.data?.job?.error).toBe("report storage refused");
      // graphile-worker backs off exponentially: make the retry due now.
      await server.db.pool.query(`UPDATE graphile_worker._private_jobs SET run_at = now()`);
    }
    const gone = await server.db.pool.query(
      `SELECT attempts, max_attempts FROM graphile_worker.jobs WHERE task_identifier = 'report__generate'`,
    );
    expect(gone.rows).toEqual([{ attempts: 3, max_attempts: 3 }]);
  });
});
