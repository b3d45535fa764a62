import { Logger as WorkerLogger, type Runner, run, runMigrations, type TaskList } from "graphile-worker";
import pg from "pg";
import type { Logger } from "../logger.ts";
import { tracedTask } from "./job-tracing.ts";
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
  reportsDir: string;
  renderThreads: number;
}

export interface TaskResources {
  taskList: TaskList;
  close(): Promise<void>;
}

/** Every task, with what it needs: a mailer, a pool for task SQL, a render thread pool. */
export function createTasks(settings: Omit<WorkerSettings, "concurrency">): TaskResources {
  const db = new pg.Pool({ connectionString: settings.connectionString, max: 4, application_name: "sokudo-worker" });
  // An idle connection the server drops (restart, failover) is replaced on next use; a task
  // in flight sees the error itself. Without a listener the pool's 'error' would crash the worker.
  db.on("error", () => {});
  const renderPool = createRenderPool(settings.renderThreads);
  return {
    taskList: Object.fromEntries(
      Object.entries({
        [USER_SEND_WELCOME_EMAIL]: createWelcomeEmailTask(createMailer(settings)),
        [REPORT_GENERATE]: createReportTask({ db, renderPool, reportsDir: settings.reportsDir }),
        [JOBS_CLEANUP]: createJobsCleanupTask({ db, reportsDir: settings.reportsDir, retentionDays: 7 }),
      }).map(([name, task]) => [name, tracedTask(name, task)]),
    ),
    async close() {
      await renderPool.close();
      await db.end();
    },
  };
}

/** graphile-worker's own schema (graphile_worker.*): installed and upgraded by its migrations. */
export function migrateJobQueue(connectionString: string): Promise<void> {
  return runMigrations({ connectionString });
}

/** A worker in this process; SIGTERM handling is ours (shutdown.ts), so running jobs finish. */
export async function startWorker(
  settings: WorkerSettings,
  logger: Logger,
): Promise<{ runner: Runner; stop(): Promise<void> }> {
  const tasks = createTasks(settings);
  const runner = await run({
    connectionString: settings.connectionString,
    concurrency: settings.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    taskList: tasks.taskList,
    crontab: JOBS_CLEANUP_CRONTAB,
    logger: workerLogger(logger),
  });
  logger.info(`job worker started (concurrency ${settings.concurrency})`);
  return {
    runner,
    async stop() {
      await runner.stop();
      await tasks.close();
    },
  };
}

/** graphile-worker's log lines through pino. */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : level === "info" ? "info" : "debug";
    logger[method]({ worker: scope, ...meta }, message);
  });
}
