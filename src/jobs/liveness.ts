import { hostname } from "node:os";
import pg from "pg";
import type { Logger } from "../observability/logger.ts";
import { JOB_CHANNEL } from "./tracking.ts";

/**
 * graphile-worker has no heartbeat: a job whose worker process dies (SIGKILL, OOM, lost machine)
 * stays locked until its lock is 4 hours old. Each Sokudo worker process registers its pool in
 * `job_workers` and holds a session advisory lock for as long as it lives; PostgreSQL drops the
 * lock when the process's connection goes. Any worker that finds a registered pool whose lock it
 * can take knows that pool is dead and releases its jobs at once.
 */
const POOL_LOCK = "hashtextextended($1, 0)";

export interface WorkerLiveness {
  /** Unregisters the pool (a clean stop) and closes the liveness connection. */
  release(): Promise<void>;
}

export async function holdWorkerLiveness(
  connectionString: string,
  poolId: string,
  logger: Logger,
): Promise<WorkerLiveness> {
  let client: pg.Client | undefined;
  let released = false;

  const connect = async () => {
    const next = new pg.Client({ connectionString, application_name: "sokudo-worker-liveness" });
    next.on("error", (error) => logger.warn({ err: error }, "worker liveness connection failed"));
    try {
      await next.connect();
      // Lock first, then register: a registered pool whose lock is free is always a dead one.
      await next.query(`SELECT pg_advisory_lock(${POOL_LOCK})`, [poolId]);
      await next.query(
        `INSERT INTO job_workers (pool_id, hostname, pid) VALUES ($1, $2, $3) ON CONFLICT (pool_id) DO NOTHING`,
        [poolId, hostname(), process.pid],
      );
    } catch (error) {
      await next.end().catch(() => {});
      throw error;
    }
    next.once("end", () => {
      if (released) return;
      logger.warn("worker liveness connection lost: registering again");
      void reconnect();
    });
    client = next;
  };

  const reconnect = async () => {
    while (!released) {
      try {
        await connect();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  };

  await connect();
  return {
    async release() {
      released = true;
      if (!client) return;
      await client.query(`DELETE FROM job_workers WHERE pool_id = $1`, [poolId]).catch(() => {});
      await client.end(); // ends the session, which releases the advisory lock
    },
  };
}

/**
 * Releases the jobs locked by registered worker pools that have died, so another worker retries
 * them now; their tracked `jobs` rows go back to queued (or failed, after the last attempt).
 * Returns the dead pools' ids.
 */
export async function releaseDeadWorkersJobs(db: pg.Pool, logger: Logger): Promise<string[]> {
  const client = await db.connect();
  const dead: string[] = [];
  try {
    const { rows } = await client.query<{ pool_id: string }>(`SELECT pool_id FROM job_workers`);
    for (const { pool_id: poolId } of rows) {
      const probe = await client.query<{ free: boolean }>(`SELECT pg_try_advisory_lock(${POOL_LOCK}) AS free`, [
        poolId,
      ]);
      if (!probe.rows[0]?.free) continue;
      try {
        await client.query("BEGIN");
        const orphaned = await client.query<{ id: string }>(
          `SELECT id FROM graphile_worker.jobs WHERE locked_by = $1`,
          [poolId],
        );
        // The public jobs view has no payload, where our tracked job's id is: read the table.
        await client.query(
          `WITH orphaned AS (
             SELECT (j.payload->>'jobId')::int AS tracked, t.identifier AS task_identifier,
               j.attempts >= j.max_attempts AS final
             FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
             WHERE j.locked_by = $1 AND j.payload->>'jobId' ~ '^[0-9]+$'),
           changed AS (
             UPDATE jobs SET
               status = CASE WHEN orphaned.final THEN 'failed' ELSE 'queued' END,
               error = 'the worker running this job stopped unexpectedly'
                 || CASE WHEN orphaned.final THEN '' ELSE '; it will be retried' END,
               updated_at = now()
             FROM orphaned
             WHERE jobs.id = orphaned.tracked AND jobs.kind = orphaned.task_identifier AND jobs.status = 'running'
             RETURNING jobs.id)
           SELECT pg_notify('${JOB_CHANNEL}', id::text) FROM changed`,
          [poolId],
        );
        await client.query(`SELECT graphile_worker.force_unlock_workers(ARRAY[$1]::text[])`, [poolId]);
        await client.query(`DELETE FROM job_workers WHERE pool_id = $1`, [poolId]);
        await client.query("COMMIT");
        dead.push(poolId);
        logger.warn(
          { pool: poolId, jobs: orphaned.rows.map((job) => job.id) },
          `worker ${poolId} died: released its ${orphaned.rowCount} locked job(s) for retry`,
        );
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${POOL_LOCK})`, [poolId]);
      }
    }
  } finally {
    client.release();
  }
  return dead;
}
