import type { Plugin } from "graphql-yoga";
import type { Viewers } from "../auth/viewer.ts";
import type { ReportFormat, StoredReportFile } from "../jobs/report-files.ts";

const MAX_JOB_ID = 2_147_483_647;

const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  html: "text/html; charset=utf-8",
};

/** True when an If-None-Match header names `etag` (or is `*`). */
const matchesEtag = (ifNoneMatch: string | null, etag: string) =>
  ifNoneMatch !== null &&
  ifNoneMatch.split(",").some((tag) => {
    const candidate = tag.trim();
    return candidate === "*" || candidate === etag || candidate === `W/${etag}`;
  });

/**
 * GET /reports/<jobId>.csv|html with the owner's bearer token: the finished report's file, read
 * from the shared database, so any instance serves a report whichever worker made it.
 */
export function useReportDownloads(options: {
  viewers: Viewers;
  /** The job's status when it is the viewer's (the Job type's owner rule), else null. */
  jobStatus: (jobId: number, viewerId: number) => Promise<string | null>;
  /** The stored file of job `jobId` in `format`, or null. */
  openFile: (jobId: number, format: ReportFormat) => Promise<StoredReportFile | null>;
}): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      const match = url.pathname.match(/^\/reports\/(\d{1,10})\.(csv|html)$/);
      if (!match || request.method !== "GET") return;
      const jobId = Number(match[1]);
      const format = match[2] as ReportFormat;
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
      const file = await options.openFile(jobId, format);
      if (!file) return reply(404, "The report file is gone");
      const etag = `"${file.sha256}"`;
      if (matchesEtag(request.headers.get("if-none-match"), etag)) {
        if (file.body instanceof ReadableStream) await file.body.cancel();
        return endResponse(new fetchAPI.Response(null, { status: 304, headers: { etag } }));
      }
      endResponse(
        new fetchAPI.Response(file.body, {
          headers: {
            "content-type": CONTENT_TYPES[format],
            "content-length": String(file.byteSize),
            etag,
            "content-disposition": `attachment; filename="activity-${jobId}.${format}"`,
          },
        }),
      );
    },
  };
}
