import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../observability/logger.ts";

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
  /**
   * Calls `handler` with each payload announced on `channel`, one of `JobEventsOptions.channels`
   * (the process's one LISTEN connection carries them too). Handlers run in the order they were added.
   */
  onNotification(channel: string, handler: (payload: string) => void): void;
  /**
   * Calls `handler(false)` when the LISTEN connection is lost and `handler(true)` once it listens
   * again: whatever was announced in between was not heard.
   */
  onListening(handler: (listening: boolean) => void): void;
  /** False while the LISTEN connection is lost and being re-established (readiness reports it). */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface JobEventsOptions {
  logger?: Pick<Logger, "warn" | "info">;
  /** Waits before reconnection attempt `attempt` (1, 2, ...): exponential backoff unless a test says otherwise. */
  backoff?: (attempt: number) => Promise<void>;
  /** Other channels to LISTEN on the same connection (`onNotification`). */
  channels?: readonly string[];
}

const defaultBackoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.min(100 * 2 ** (attempt - 1), 5_000)).unref());

/**
 * One LISTEN connection per process. When it is lost (PostgreSQL restart, failover, terminated
 * backend), it is logged, `listening` turns false, and it reconnects with backoff, LISTENs again
 * and wakes every subscriber, who re-reads its job: a change made during the gap is not missed.
 */
export async function createJobEvents(connectionString: string, options: JobEventsOptions = {}): Promise<JobEvents> {
  const backoff = options.backoff ?? defaultBackoff;
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  // Apart from the job ids' emitter: a subscriber's re-read after a gap wakes job ids only.
  const channels = new EventEmitter();
  channels.setMaxListeners(0);
  const otherChannels = (options.channels ?? []).filter((channel) => channel !== JOB_CHANNEL);
  const listeningHandlers: ((listening: boolean) => void)[] = [];
  const setListening = (value: boolean) => {
    listening = value;
    for (const handler of listeningHandlers) handler(value);
  };
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;

  const connect = async () => {
    const next = new pg.Client({
      connectionString,
      application_name: "sokudo-job-events",
      // A peer that vanished without closing (failover, partition) is noticed, not waited on forever.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      // Only an established connection is "lost"; a failed attempt is the reconnect loop's business.
      if (lost || client !== next) return;
      lost = true;
      setListening(false);
      next.end().catch(() => {});
      if (!closed) {
        options.logger?.warn({ err: error }, "job events: LISTEN connection lost; reconnecting");
        void reconnect();
      }
    };
    next.on("error", onLost);
    next.on("end", () => onLost());
    next.on("notification", (message) => {
      if (!message.payload) return;
      if (message.channel === JOB_CHANNEL) emitter.emit(message.payload);
      else channels.emit(message.channel, message.payload);
    });
    try {
      await next.connect();
      for (const channel of [JOB_CHANNEL, ...otherChannels]) await next.query(`LISTEN ${channel}`);
    } catch (error) {
      await next.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    setListening(true);
  };

  const reconnect = async () => {
    for (let attempt = 1; !closed; attempt++) {
      await backoff(attempt);
      if (closed) return;
      try {
        await connect();
        options.logger?.info({ attempts: attempt }, "job events: LISTEN connection re-established");
        // Whatever changed during the gap was not announced to us: every subscriber re-reads.
        for (const id of emitter.eventNames()) emitter.emit(id);
        return;
      } catch (error) {
        options.logger?.warn({ err: error, attempt }, "job events: reconnection failed");
      }
    }
  };

  await connect();
  return {
    get listening() {
      return listening;
    },
    onNotification(channel, handler) {
      if (!otherChannels.includes(channel)) throw new Error(`Channel ${channel} is not listened to`);
      channels.on(channel, handler);
    },
    onListening(handler) {
      listeningHandlers.push(handler);
    },
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
    close: async () => {
      closed = true;
      listening = false;
      await client?.end().catch(() => {});
    },
  };
}
