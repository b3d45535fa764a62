import type { Task } from "graphile-worker";
import type pg from "pg";

export const JOBS_CLEANUP = "jobs__cleanup";
/** Daily at 03:17, at maintenance priority (after every user-facing job). */
export const JOBS_CLEANUP_CRONTAB = `17 3 * * * ${JOBS_CLEANUP} ?priority=100&max=3`;

/** Deletes finished jobs older than `retentionDays`; their report files go with them (ON DELETE CASCADE). */
export function createJobsCleanupTask(options: { db: pg.Pool; retentionDays: number }): Task {
  return async () => {
    await options.db.query(
      `DELETE FROM jobs WHERE status IN ('succeeded', 'failed') AND updated_at < now() - make_interval(days => $1)`,
      [options.retentionDays],
    );
  };
}
