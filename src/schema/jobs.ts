import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { forbidden, notFound, unauthenticated } from "../errors.ts";
import { enqueueJob, PRIORITY } from "../jobs/enqueue.ts";
import { REPORT_GENERATE, type ReportPayload } from "../jobs/tasks/report__generate.ts";
import { UserRef } from "./user.ts";

builder.scalarType("JSON", {
  description: "Any JSON value",
  serialize: (value) => value,
  parseValue: (value) => value,
});

export const JobRef = builder.prismaNode("Job", {
  id: { field: "id" },
  description: "A background job the viewer asked for; `jobUpdated` streams its progress.",
  fields: (t) => ({
    kind: t.exposeString("kind", { description: "The task, entity__action" }),
    status: t.exposeString("status", { description: "queued, running, succeeded or failed" }),
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

async function loadOwnJob(context: Pick<Context, "prisma" | "viewerId">, id: number) {
  if (context.viewerId === null) throw unauthenticated();
  const job = await context.prisma.job.findUnique({ where: { id } });
  if (!job) throw notFound("Job");
  if (job.ownerId !== context.viewerId) throw forbidden("Only the job's owner can see it");
  return job;
}

builder.queryFields((t) => ({
  job: t.prismaField({
    type: "Job",
    description: "A job of the viewer's (FORBIDDEN for anyone else's).",
    args: { id: t.arg.globalID({ required: true, for: JobRef, description: "The job's global id." }) },
    resolve: (_query, _root, args, context) => loadOwnJob(context, Number(args.id.id)),
  }),
}));

builder.prismaObjectFields(UserRef, (t) => ({
  jobs: t.relatedConnection("jobs", {
    cursor: "id",
    description: "The user's jobs, newest first; only the user themself may read them.",
    query: { orderBy: { id: "desc" } },
    authScopes: (user, _args, context) => {
      if (context.viewerId !== user.id) throw forbidden("Only the user themself can see their jobs");
      return true;
    },
  }),
}));

const RequestActivityReportInput = builder.inputType("RequestActivityReportInput", {
  description: "A request for a report of the viewer's activity.",
  fields: (t) => ({
    requestId: t.string({
      description: "Idempotency key: repeating a request with the same id returns the same job.",
    }),
  }),
});

builder.mutationFields((t) => ({
  requestActivityReport: t.prismaField({
    type: "Job",
    description: "Queues a report of the viewer's activity (CSV and HTML); returns the job at once.",
    authScopes: { loggedIn: true },
    args: {
      input: t.arg({ type: RequestActivityReportInput, required: true, description: "The request's options." }),
    },
    resolve: async (query, _root, args, context) => {
      const ownerId = context.viewerId as number;
      const requestKey = args.input.requestId ?? null;
      const existing = () =>
        requestKey
          ? context.prisma.job.findUnique({ ...query, where: { ownerId_requestKey: { ownerId, requestKey } } })
          : null;
      const found = await existing();
      if (found) return found;
      try {
        // The job row and its queue entry commit together.
        return await context.prisma.$transaction(async (tx) => {
          const job = await tx.job.create({ ...query, data: { ownerId, kind: REPORT_GENERATE, requestKey } });
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
        throw error;
      }
    },
  }),
}));

builder.subscriptionFields((t) => ({
  jobUpdated: t.field({
    type: JobRef,
    description: "The job now, then again at each change, until it succeeds or fails. Owner only.",
    args: { id: t.arg.globalID({ required: true, for: JobRef, description: "The job's global id." }) },
    subscribe: async function* (_root, args, context) {
      const id = Number(args.id.id);
      const current = await loadOwnJob(context, id);
      yield current;
      // Already finished: nothing more will come, so the subscription ends (a client's stop button goes out).
      if (current.status === "succeeded" || current.status === "failed") return;
      for await (const _change of context.jobEvents.changes(id, context.signal)) {
        const job = await loadOwnJob(context, id);
        yield job;
        if (job.status === "succeeded" || job.status === "failed") return;
      }
    },
    resolve: (job) => job,
  }),
}));
