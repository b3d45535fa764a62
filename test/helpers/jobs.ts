import { Logger, runOnce } from "graphile-worker";
import { createTasks } from "../../src/jobs/worker.ts";

// graphile-worker logs every job; the tests read the outcome from the database instead.
const quiet = new Logger(() => () => {});

/**
 * Runs, in this process, every job that is due on `connectionString` (graphile-worker's runOnce),
 * with mail written to `outboxDir` (reports go to the database).
 */
export async function runDueJobs(
  connectionString: string,
  dirs: { outboxDir: string },
  options: { concurrency?: number } = {},
): Promise<void> {
  const tasks = createTasks({ connectionString, smtpUrl: undefined, ...dirs, renderThreads: 1 });
  try {
    await runOnce({ connectionString, taskList: tasks.taskList, concurrency: options.concurrency, logger: quiet });
  } finally {
    await tasks.close();
  }
}
