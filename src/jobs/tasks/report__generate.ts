import { setTimeout as sleep } from "node:timers/promises";
import type { Task } from "graphile-worker";
import type pg from "pg";
import { withCancellableClient } from "../cancellable-client.ts";
import type { RenderPool } from "../render-pool.ts";
import { storeReportFiles } from "../report-files.ts";
import type { ActivityReportData } from "../report-render.ts";
import { updateJob } from "../tracking.ts";

export const REPORT_GENERATE = "report__generate";

export interface ReportPayload {
  jobId: number;
}

export function assertReportPayload(payload: unknown): asserts payload is ReportPayload {
  const p = payload as Partial<ReportPayload> | null;
  if (!p || !Number.isSafeInteger(p.jobId))
    throw new Error(`${REPORT_GENERATE}: invalid payload ${JSON.stringify(payload)}`);
}

async function loadActivity(db: pg.ClientBase | pg.Pool, ownerId: number): Promise<ActivityReportData> {
  const user = await db.query<{ handle: string; name: string }>(`SELECT handle, name FROM users WHERE id = $1`, [
    ownerId,
  ]);
  const weeks = await db.query<{ week: Date; posts: number; comments: number; likes: number }>(
    `WITH activity AS (
       SELECT date_trunc('week', created_at) AS week, 1 AS posts, 0 AS comments, 0 AS likes FROM posts WHERE author_id = $1
       UNION ALL SELECT date_trunc('week', created_at), 0, 1, 0 FROM comments WHERE author_id = $1
       UNION ALL SELECT date_trunc('week', l.created_at), 0, 0, 1 FROM likes l JOIN posts p ON p.id = l.post_id WHERE p.author_id = $1)
     SELECT week, sum(posts)::int AS posts, sum(comments)::int AS comments, sum(likes)::int AS likes
     FROM activity GROUP BY week ORDER BY week`,
    [ownerId],
  );
  const posts = await db.query<{ title: string; created_at: Date; comments: number; likes: number }>(
    `SELECT p.title, p.created_at,
       (SELECT count(*)::int FROM comments c WHERE c.post_id = p.id) AS comments,
       (SELECT count(*)::int FROM likes l WHERE l.post_id = p.id) AS likes
     FROM posts p WHERE p.author_id = $1 ORDER BY p.id DESC`,
    [ownerId],
  );
  return {
    handle: user.rows[0]?.handle ?? "unknown",
    name: user.rows[0]?.name ?? "",
    generatedAt: new Date().toISOString(),
    weeks: weeks.rows.map((w) => ({
      week: w.week.toISOString().slice(0, 10),
      posts: w.posts,
      comments: w.comments,
      likesReceived: w.likes,
    })),
    posts: posts.rows.map((p) => ({
      title: p.title,
      createdAt: p.created_at.toISOString(),
      comments: p.comments,
      likes: p.likes,
    })),
  };
}

/**
 * Builds a user's activity report: loads it (SQL), renders CSV and HTML in a worker thread,
 * stores both files in PostgreSQL and reports progress on the way; our `jobs` row says what happened.
 */
export function createReportTask(options: {
  db: pg.Pool;
  renderPool: RenderPool;
  /** A pause after each progress step, so a demo (`npm start`) shows the steps arrive; 0 elsewhere. */
  progressStepDelayMs?: number;
}): Task {
  return async (payload, helpers) => {
    assertReportPayload(payload);
    const { jobId } = payload;
    const { db } = options;
    const job = await db.query<{ owner_id: number }>(`SELECT owner_id FROM jobs WHERE id = $1`, [jobId]);
    const ownerId = job.rows[0]?.owner_id;
    if (ownerId === undefined) return; // the user (and with them the job) was deleted
    await updateJob(db, jobId, { status: "running", progress: 5, attemptsIncrement: true });
    // Aborted when the worker is shutting down and the job outlives the grace period: stop now,
    // and graphile-worker releases the job for a retry.
    const { abortSignal } = helpers;
    const step = async (progress: number) => {
      await updateJob(db, jobId, { progress });
      if (options.progressStepDelayMs) await sleep(options.progressStepDelayMs, undefined, { signal: abortSignal });
    };
    try {
      if (options.progressStepDelayMs) await sleep(options.progressStepDelayMs, undefined, { signal: abortSignal });
      const data = await withCancellableClient(db, abortSignal, (client) => loadActivity(client, ownerId));
      await step(40);
      const rendered = await options.renderPool.render(data, abortSignal);
      await step(80);
      // One transaction: a job is never `succeeded` without its files, nor has files while it may still fail.
      await withCancellableClient(db, abortSignal, async (client) => {
        await client.query("BEGIN");
        try {
          await storeReportFiles(client, jobId, rendered);
          await updateJob(client, jobId, {
            status: "succeeded",
            progress: 100,
            error: null,
            result: {
              csv: `/reports/${jobId}.csv`,
              html: `/reports/${jobId}.html`,
              weeks: data.weeks.length,
              posts: data.posts.length,
            },
          });
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw error;
        }
      });
    } catch (error) {
      const message = abortSignal.aborted
        ? "interrupted: the worker shut down before the job finished"
        : error instanceof Error
          ? error.message
          : String(error);
      const final = helpers.job.attempts >= helpers.job.max_attempts;
      await updateJob(db, jobId, { status: final ? "failed" : "queued", error: message });
      throw abortSignal.aborted ? new Error(message, { cause: error }) : error;
    }
  };
}
