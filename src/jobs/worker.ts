import { EventEmitter } from "node:events";
import {
  Logger as WorkerLogger,
  type Runner,
  run,
  runMigrations,
  type TaskList,
  type WorkerEvents,
} from "graphile-worker";
import pg from "pg";
import type { Logger } from "../observability/logger.ts";
import { tracedTask } from "./job-tracing.ts";
import { holdWorkerLiveness, releaseDeadWorkersJobs, type WorkerLiveness } from "./liveness.ts";
import { createMailer } from "./mailer.ts";
import { createRenderPool } from "./render-pool.ts";
import { createJobsCleanupTask, JOBS_CLEANUP, JOBS_CLEANUP_CRONTAB } from "./tasks/jobs__cleanup.ts";
import { createReportTask, REPORT_GENERATE } from "./tasks/report__generate.ts";
import { createWelcomeEmailTask, USER_SEND_WELCOME_EMAIL } from "./tasks/user__send_welcome_email.ts";

export interface WorkerSettings {
  connectionString: string;
  concurrency: number;
  smtpUrl: string | undefined;
  outboxDir: string;
  renderThreads: number;
  shutdownTimeoutMs: number;
  /** See createReportTask: a demo pause between a report's progress steps. */
  progressStepDelayMs?: number;
}

/** How often a worker looks for dead workers' jobs (also once at start). */
const DEAD_WORKER_SWEEP_MS = 15_000;

export interface TaskResources {
  taskList: TaskList;
  /** The tasks' own connection pool. */
  db: pg.Pool;
  close(): Promise<void>;
}

/** Every task, with what it needs: a mailer, a pool for task SQL, a render thread pool. */
export function createTasks(settings: Omit<WorkerSettings, "concurrency" | "shutdownTimeoutMs">): TaskResources {
  const db = new pg.Pool({ connectionString: settings.connectionString, max: 4, application_name: "sokudo-worker" });
  // An idle connection the server drops (restart, failover) is replaced on next use; a task
  // in flight sees the error itself. Without a listener the pool's 'error' would crash the worker.
  db.on("error", () => {});
  const renderPool = createRenderPool(settings.renderThreads);
  return {
    db,
    taskList: Object.fromEntries(
      Object.entries({
        [USER_SEND_WELCOME_EMAIL]: createWelcomeEmailTask(createMailer(settings)),
        [REPORT_GENERATE]: createReportTask({ db, renderPool, progressStepDelayMs: settings.progressStepDelayMs }),
        [JOBS_CLEANUP]: createJobsCleanupTask({ db, retentionDays: 7 }),
      }).map(([name, task]) => [name, tracedTask(name, task)]),
    ),
    async close() {
      await renderPool.close();
      await db.end();
    },
  };
}

/** graphile-worker's own schema (graphile_worker.*): installed and upgraded by its migrations. */
export async function migrateJobQueue(connectionString: string): Promise<void> {
  // Our own pool, ended before we return: graphile-worker's own could still hold an idle connection when
  // `npm run migrate` stops the embedded PostgreSQL, and its "terminating connection" error then crashed the
  // process (exit 1 after the migrations had applied).
  const pgPool = new pg.Pool({ connectionString, max: 1 });
  pgPool.on("error", () => {});
  pgPool.on("connect", (client) => client.on("error", () => {}));
  try {
    await runMigrations({ pgPool });
  } finally {
    await pgPool.end();
  }
}

/**
 * A worker in this process. SIGTERM handling is ours (shutdown.ts): running jobs get
 * `shutdownTimeoutMs` to finish, then they are aborted and released for a retry. The pool is
 * registered as alive (liveness.ts) so that if this process dies, other workers retry its jobs.
 */
export async function startWorker(
  settings: WorkerSettings,
  logger: Logger,
): Promise<{ runner: Runner; stop(): Promise<void> }> {
  const tasks = createTasks(settings);
  const events: WorkerEvents = new EventEmitter();
  let poolId: string | undefined;
  events.once("pool:create", ({ workerPool }) => {
    poolId = workerPool.id;
  });
  const runner = await run({
    connectionString: settings.connectionString,
    concurrency: settings.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    gracefulShutdownAbortTimeout: settings.shutdownTimeoutMs,
    // Unbatched, graphile-worker does not await a job's completion or failure before it stops its
    // pool, so a job that ends during shutdown can stay locked (4 hours). Batched (even with no
    // delay), the outcome is flushed before the pool closes.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    taskList: tasks.taskList,
    crontab: JOBS_CLEANUP_CRONTAB,
    logger: workerLogger(logger),
    events,
  });
  let liveness: WorkerLiveness;
  try {
    if (!poolId) throw new Error("graphile-worker started without announcing its pool");
    liveness = await holdWorkerLiveness(settings.connectionString, poolId, logger);
  } catch (error) {
    await runner.stop();
    await tasks.close();
    throw error;
  }
  const sweep = () =>
    releaseDeadWorkersJobs(tasks.db, logger).catch((error: unknown) =>
      logger.warn({ err: error }, "looking for dead workers failed"),
    );
  await sweep();
  const sweeper = setInterval(sweep, DEAD_WORKER_SWEEP_MS);
  sweeper.unref();
  logger.info(`job worker ${poolId} started (concurrency ${settings.concurrency})`);
  return {
    runner,
    async stop() {
      clearInterval(sweeper);
      await runner.stop();
      await liveness.release();
      await tasks.close();
    },
  };
}

/**
 * graphile-worker's log lines through pino, one line each: its messages already name the job, task
 * and duration, so routine (info/debug) lines carry nothing more; warnings and errors keep their
 * details, with the job object (~30 lines pretty-printed) cut to its id and task.
 */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    if (level !== "error" && level !== "warning") {
      logger[level === "info" ? "info" : "debug"](message);
      return;
    }
    const { job, ...rest } = (meta ?? {}) as { job?: { id?: string; task_identifier?: string } };
    const fields = { worker: scope, ...rest, ...(job ? { job: job.id, task: job.task_identifier } : {}) };
    logger[level === "error" ? "error" : "warn"](fields, message);
  });
}
