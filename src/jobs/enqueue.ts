import type { PrismaClient } from "../data/db.ts";
import { traced } from "../observability/tracing.ts";
import { withTraceContext } from "./job-tracing.ts";

/** Lower runs first (graphile-worker orders by priority): user-facing work ahead of maintenance. */
export const PRIORITY = { userFacing: 0, maintenance: 100 } as const;

type Transaction = Pick<PrismaClient, "$queryRaw">;

export interface EnqueueOptions {
  priority?: number;
  maxAttempts?: number;
  /** Same key, same job: a repeated request does not enqueue twice. */
  jobKey?: string;
  queueName?: string;
}

/**
 * Adds a graphile-worker job through the given transaction (a Prisma interactive transaction),
 * so the job exists if and only if the write that causes it commits. Returns the job id.
 */
export async function enqueueJob(
  tx: Transaction,
  task: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<string> {
  return traced(
    `job.enqueue ${task}`,
    { "messaging.system": "graphile-worker", "messaging.destination.name": task },
    () => addJob(tx, task, withTraceContext(payload), options),
  );
}

async function addJob(tx: Transaction, task: string, payload: unknown, options: EnqueueOptions): Promise<string> {
  const rows = await tx.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM graphile_worker.add_job(
      identifier => ${task},
      payload => ${JSON.stringify(payload)}::json,
      queue_name => ${options.queueName ?? null},
      max_attempts => ${options.maxAttempts ?? null}::int,
      job_key => ${options.jobKey ?? null},
      priority => ${options.priority ?? PRIORITY.userFacing}::int
    )`;
  const id = rows[0]?.id;
  if (id === undefined) throw new Error(`graphile_worker.add_job returned no job for ${task}`);
  return String(id);
}
