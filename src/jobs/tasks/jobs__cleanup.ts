import { rm } from "node:fs/promises";
import type { Task } from "graphile-worker";
import type pg from "pg";
import { reportFile } from "./report__generate.ts";

export const JOBS_CLEANUP = "jobs__cleanup";
/** Daily at 03:17, at maintenance priority (after every user-facing job). */
export const JOBS_CLEANUP_CRONTAB = `17 3 * * * ${JOBS_CLEANUP} ?priority=100&max=3`;

/** Deletes finished jobs older than `retentionDays` and their report files. */
export function createJobsCleanupTask(options: { db: pg.Pool; reportsDir: string; retentionDays: number }): Task {
  return async () => {
    const { rows } = await options.db.query<{ id: number }>(
      `DELETE FROM jobs WHERE status IN ('succeeded', 'failed') AND updated_at < now() - make_interval(days => $1) RETURNING id`,
      [options.retentionDays],
    );
    await Promise.all(
      rows.flatMap(({ id }) =>
        (["csv", "html"] as const).map((format) => rm(reportFile(options.reportsDir, id, format), { force: true })),
      ),
    );
  };
}
