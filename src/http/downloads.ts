import { readFile } from "node:fs/promises";
import type { Plugin } from "graphql-yoga";
import type { Viewers } from "../auth/viewer.ts";
import { reportFile } from "../jobs/tasks/report__generate.ts";

const MAX_JOB_ID = 2_147_483_647;

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", html: "text/html; charset=utf-8" } as const;

/** GET /reports/<jobId>.csv|html with the owner's bearer token: the finished report's file. */
export function useReportDownloads(options: {
  reportsDir: string;
  viewers: Viewers;
  /** The job's status when it is the viewer's (the Job type's owner rule), else null. */
  jobStatus: (jobId: number, viewerId: number) => Promise<string | null>;
}): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      const match = url.pathname.match(/^\/reports\/(\d{1,10})\.(csv|html)$/);
      if (!match || request.method !== "GET") return;
      const jobId = Number(match[1]);
      const format = match[2] as keyof typeof CONTENT_TYPES;
      const reply = (status: number, message: string) =>
        endResponse(fetchAPI.Response.json({ error: message }, { status }));
      const viewerId = await options.viewers.viewerIdFrom(request.headers.get("authorization")).catch(() => null);
      if (viewerId === null) return reply(401, "A valid bearer token is required");
      // An id no job can have (beyond PostgreSQL's integer) is a missing report, not a query that fails.
      if (jobId > MAX_JOB_ID) return reply(404, "No such report");
      // Someone else's report answers as a missing one.
      const status = await options.jobStatus(jobId, viewerId);
      if (status === null) return reply(404, "No such report");
      if (status !== "succeeded") return reply(409, `The report is ${status}`);
      const body = await readFile(reportFile(options.reportsDir, jobId, format)).catch(() => null);
      if (!body) return reply(404, "The report file is gone");
      endResponse(
        new fetchAPI.Response(body, {
          headers: {
            "content-type": CONTENT_TYPES[format],
            "content-disposition": `attachment; filename="activity-${jobId}.${format}"`,
          },
        }),
      );
    },
  };
}
