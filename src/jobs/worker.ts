import { Logger as WorkerLogger, type Runner, run, runMigrations, type TaskList } from "graphile-worker";
import type { Logger } from "../logger.ts";
import { createMailer } from "./mailer.ts";
import { createWelcomeEmailTask, USER_SEND_WELCOME_EMAIL } from "./tasks/user__send_welcome_email.ts";

export interface WorkerSettings {
  connectionString: string;
  concurrency: number;
  smtpUrl: string | undefined;
  outboxDir: string;
}

export function createTaskList(settings: Pick<WorkerSettings, "smtpUrl" | "outboxDir">): TaskList {
  const mailer = createMailer(settings);
  return { [USER_SEND_WELCOME_EMAIL]: createWelcomeEmailTask(mailer) };
}

/** graphile-worker's own schema (graphile_worker.*): installed and upgraded by its migrations. */
export function migrateJobQueue(connectionString: string): Promise<void> {
  return runMigrations({ connectionString });
}

/** A worker in this process; SIGTERM handling is ours (shutdown.ts), so running jobs finish. */
export async function startWorker(settings: WorkerSettings, logger: Logger): Promise<Runner> {
  const runner = await run({
    connectionString: settings.connectionString,
    concurrency: settings.concurrency,
    noHandleSignals: true,
    pollInterval: 1_000,
    taskList: createTaskList(settings),
    logger: workerLogger(logger),
  });
  logger.info(`job worker started (concurrency ${settings.concurrency})`);
  return runner;
}

/** graphile-worker's log lines through pino. */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : level === "info" ? "info" : "debug";
    logger[method]({ worker: scope, ...meta }, message);
  });
}
