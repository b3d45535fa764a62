import type pg from "pg";
import type { JobQueueSnapshot } from "../observability/metrics.ts";

/** The job queue as the metrics show it: ready jobs per task, the oldest one's wait, tracked jobs, live workers. */
export async function readJobQueue(pool: pg.Pool): Promise<JobQueueSnapshot> {
  const ready = await pool.query<{ task: string; count: number; oldest: number | null }>(
    `SELECT task_identifier AS task, count(*)::int AS count, extract(epoch FROM now() - min(run_at))::float AS oldest
     FROM graphile_worker.jobs WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts
     GROUP BY 1`,
  );
  const tracked = await pool.query<{ kind: string; status: string; count: number }>(
    `SELECT kind, status, count(*)::int AS count FROM jobs GROUP BY 1, 2`,
  );
  const workers = await pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM job_workers`);
  return {
    readyByTask: Object.fromEntries(ready.rows.map((row) => [row.task, row.count])),
    oldestReadyAgeSeconds: Math.max(0, ...ready.rows.map((row) => row.oldest ?? 0)),
    tracked: tracked.rows,
    workers: workers.rows[0]?.count ?? 0,
  };
}
