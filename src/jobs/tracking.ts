import { EventEmitter } from "node:events";
import pg from "pg";

/**
 * Job progress lives in our `jobs` table; every change is announced with
 * `pg_notify('job_updated', id)` in the same statement, so subscribers on any server instance
 * hear about it (one LISTEN connection per process).
 */
export const JOB_CHANNEL = "job_updated";

export type JobStatus = "queued" | "running" | "succeeded" | "failed";

export interface JobChange {
  status?: JobStatus;
  progress?: number;
  result?: unknown;
  error?: string | null;
  attemptsIncrement?: boolean;
}

type Queryable = Pick<pg.ClientBase, "query">;

export async function updateJob(db: Queryable, id: number, change: JobChange): Promise<void> {
  await db.query(
    `WITH changed AS (
       UPDATE jobs SET
         status = COALESCE($2, status),
         progress = COALESCE($3, progress),
         result = COALESCE($4::jsonb, result),
         error = CASE WHEN $5::boolean THEN $6 ELSE error END,
         attempts = attempts + CASE WHEN $7::boolean THEN 1 ELSE 0 END,
         updated_at = now()
       WHERE id = $1 RETURNING id)
     SELECT pg_notify('${JOB_CHANNEL}', id::text) FROM changed`,
    [
      id,
      change.status ?? null,
      change.progress ?? null,
      change.result === undefined ? null : JSON.stringify(change.result),
      change.error !== undefined,
      change.error ?? null,
      change.attemptsIncrement ?? false,
    ],
  );
}

export interface JobEvents {
  /** Resolves each time job `id` changes, until `signal` aborts. */
  changes(id: number, signal: AbortSignal): AsyncGenerator<void>;
  close(): Promise<void>;
}

export async function createJobEvents(connectionString: string): Promise<JobEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const client = new pg.Client({ connectionString, application_name: "sokudo-job-events" });
  await client.connect();
  client.on("notification", (message) => {
    if (message.channel === JOB_CHANNEL && message.payload) emitter.emit(message.payload);
  });
  client.on("error", () => {});
  await client.query(`LISTEN ${JOB_CHANNEL}`);
  return {
    async *changes(id, signal) {
      const key = String(id);
      const pending: (() => void)[] = [];
      let queued = 0;
      const onChange = () => {
        queued += 1;
        pending.shift()?.();
      };
      const onAbort = () => pending.shift()?.();
      emitter.on(key, onChange);
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        while (!signal.aborted) {
          if (queued === 0) await new Promise<void>((resolve) => pending.push(resolve));
          if (signal.aborted) return;
          queued = 0;
          yield;
        }
      } finally {
        emitter.off(key, onChange);
        signal.removeEventListener("abort", onAbort);
      }
    },
    close: () => client.end(),
  };
}
