import { z } from "zod";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { notFound } from "../errors.ts";
import { translatePrismaError } from "../data/database-errors.ts";
import type { Job } from "../data/generated/prisma/client.ts";
import { enqueueJob, PRIORITY } from "../jobs/enqueue.ts";
import { REPORT_GENERATE, type ReportPayload } from "../jobs/tasks/report__generate.ts";
import { ownerOnly, visibleTo } from "./owner-rule.ts";
import { UserRef } from "./user.ts";
import { mutationErrors } from "./mutation-errors.ts";
import type { JobStatus } from "../jobs/tracking.ts";
import { parseInput } from "./validation.ts";

builder.scalarType("JSON", {
  description: "Any JSON value",
  serialize: (value) => value,
  parseValue: (value) => value,
});

// The database keeps its strings (the worker and SQL write them); the schema shows them as enums.
const JobStatusEnum = builder.enumType("JobStatus", {
  description:
    "Where a job is: QUEUED, then RUNNING, then SUCCEEDED or FAILED (a failed attempt is QUEUED again while retries remain).",
  values: {
    QUEUED: { value: "queued", description: "Waiting for a worker (also between retries)." },
    RUNNING: { value: "running", description: "A worker is on it: `progress` moves." },
    SUCCEEDED: { value: "succeeded", description: "Done: `result` holds what it produced." },
    FAILED: { value: "failed", description: "Given up after its last attempt: `error` says why." },
  } satisfies Record<string, { value: JobStatus; description: string }>,
});

const JobKindEnum = builder.enumType("JobKind", {
  description: "What a job does.",
  values: {
    REPORT_GENERATE: { value: REPORT_GENERATE, description: "An activity report (`requestActivityReport`)." },
  },
});

export const JobRef = builder.prismaNode("Job", {
  id: { field: "id" },
  nullable: true, // node(id:) of a missing row loads null (then NOT_FOUND), not findUniqueOrThrow's internal error
  // Only its owner reads a job, on every path. Never cached: a job is read by one user while the worker keeps changing it, so a cached copy
  // would be stale at once, and a hit would save one primary-key read.
  ...ownerOnly<Job, "ownerId">("ownerId", { cacheScope: "NONE" }),
  description: "A background job the viewer asked for; `jobUpdated` streams its progress.",
  fields: (t) => ({
    kind: t.field({
      type: JobKindEnum,
      description: "What the job does.",
      resolve: (job) => job.kind as typeof REPORT_GENERATE,
    }),
    status: t.field({
      type: JobStatusEnum,
      description: "Where the job is: QUEUED, RUNNING, SUCCEEDED or FAILED.",
      resolve: (job) => job.status as JobStatus,
    }),
    progress: t.exposeInt("progress", { description: "0 to 100" }),
    result: t.field({
      type: "JSON",
      nullable: true,
      description: "What a succeeded job produced (a report: links to its files); null until then.",
      resolve: (job) => job.result,
    }),
    error: t.exposeString("error", { nullable: true, description: "Why the last attempt failed; null otherwise." }),
    attempts: t.exposeInt("attempts", { description: "How many times it was started (it is retried on failure)." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was requested." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When its status or progress last changed." }),
  }),
});

/** The status of the viewer's job `id` (report downloads), or null when it is missing or someone else's. */
export function createJobStatusLookup(prisma: Context["prisma"]) {
  return async (id: number, viewerId: number): Promise<string | null> => {
    const job = await prisma.job.findUnique({
      where: { id, ...visibleTo("ownerId", viewerId) },
      select: { status: true },
    });
    return job?.status ?? null;
  };
}

/** The viewer's job, or NOT_FOUND: someone else's job answers as a missing one. */
async function loadVisibleJob(context: Pick<Context, "prisma" | "viewerId">, id: number) {
  const job = await context.prisma.job.findUnique({ where: { id, ...visibleTo("ownerId", context.viewerId) } });
  if (!job) throw notFound("Job");
  return job;
}

builder.queryFields((t) => ({
  job: t.prismaField({
    type: "Job",
    nullable: true,
    description: "A job of the viewer's; null and NOT_FOUND for a missing job or anyone else's.",
    args: { id: t.arg.globalID({ required: true, for: JobRef, description: "The job's global id." }) },
    resolve: async (query, _root, args, context) => {
      const job = await context.prisma.job.findUnique({ ...query, where: { id: Number(args.id.id) } });
      if (!job) throw notFound("Job");
      return job; // the type's owner rule answers NOT_FOUND for anyone else's
    },
  }),
}));

builder.prismaObjectFields(UserRef, (t) => ({
  jobs: t.relatedConnection("jobs", {
    cursor: "id",
    nullable: true,
    description: "The user's jobs, newest first; null and NOT_FOUND for anyone but the user themself.",
    query: { orderBy: { id: "desc" } },
    authScopes: (user) => ({ owner: user.id }),
  }),
}));

const RequestActivityReportInput = builder.inputType("RequestActivityReportInput", {
  description: "A request for a report of the viewer's activity.",
  fields: (t) => ({
    requestId: t.string({
      description:
        "Idempotency key: repeating a request with the same id returns the same job. At most 200 characters.",
    }),
  }),
});

const reportRequestInput = z.object({
  requestId: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters").nullable(),
});

const RequestActivityReportPayload = builder.objectRef<{ job: Job }>("RequestActivityReportPayload").implement({
  description: "What `requestActivityReport` queued.",
  fields: (t) => ({
    job: t.field({
      type: JobRef,
      description: "The report's job (the same one again for a repeated `requestId`): follow it with `jobUpdated`.",
      resolve: (payload) => payload.job,
    }),
  }),
});

/** The viewer's report job: a new one, or the one this idempotency key already made. */
async function requestReport(context: Context, requestId: string | null): Promise<Job> {
  const ownerId = context.viewerId as number;
  const { requestId: requestKey } = parseInput(reportRequestInput, { requestId });
  const existing = () =>
    requestKey ? context.prisma.job.findUnique({ where: { ownerId_requestKey: { ownerId, requestKey } } }) : null;
  const found = await existing();
  if (found) return found;
  try {
    // The job row and its queue entry commit together.
    return await context.prisma.$transaction(async (tx) => {
      const job = await tx.job.create({ data: { ownerId, kind: REPORT_GENERATE, requestKey } });
      await enqueueJob(tx, REPORT_GENERATE, { jobId: job.id } satisfies ReportPayload, {
        priority: PRIORITY.userFacing,
        maxAttempts: 3,
        jobKey: `${REPORT_GENERATE}:${job.id}`,
      });
      return job;
    });
  } catch (error) {
    // Two identical requests at once: the second finds the first's job.
    const raced = await existing();
    if (raced) return raced;
    // The viewer's user deleted since their token was checked: their job has no owner to belong to.
    translatePrismaError(error, "Job", { viewerReferences: ["jobs_owner_id_fkey"] });
  }
}

builder.mutationFields((t) => ({
  requestActivityReport: t.field({
    type: RequestActivityReportPayload,
    errors: mutationErrors("RequestActivityReport"),
    description:
      "Queues a report of the viewer's activity (CSV and HTML); answers its job at once (InputError for a bad `requestId`).",
    authScopes: { loggedIn: true },
    args: {
      input: t.arg({ type: RequestActivityReportInput, required: true, description: "The request's options." }),
    },
    resolve: async (_root, args, context) => ({ job: await requestReport(context, args.input.requestId ?? null) }),
  }),
}));

builder.subscriptionFields((t) => ({
  jobUpdated: t.field({
    type: JobRef,
    description: "The job now, then again at each change, until it succeeds or fails. Owner only (NOT_FOUND).",
    args: { id: t.arg.globalID({ required: true, for: JobRef, description: "The job's global id." }) },
    subscribe: async function* (_root, args, context) {
      const id = Number(args.id.id);
      const finished = new AbortController();
      // Listening starts before the first read: a change in between is not missed.
      const changes = context.jobEvents.changes(id, AbortSignal.any([context.request.signal, finished.signal]));
      let change = changes.next();
      try {
        for (;;) {
          const job = await loadVisibleJob(context, id);
          yield job;
          // A finished job never changes again: its last state ends the subscription.
          if (job.status === "succeeded" || job.status === "failed" || (await change).done) return;
          change = changes.next();
        }
      } finally {
        finished.abort();
      }
    },
    resolve: (job) => job,
  }),
}));
