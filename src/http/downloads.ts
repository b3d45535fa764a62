import { readFile } from "node:fs/promises";
import type { Plugin } from "graphql-yoga";
import type { TokenService } from "../auth/token.ts";
import type { PrismaClient } from "../data/db.ts";
import { visibleTo } from "../schema/owner-rule.ts";
import { reportFile } from "../jobs/tasks/report__generate.ts";

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", html: "text/html; charset=utf-8" } as const;

/** GET /reports/<jobId>.csv|html with the owner's bearer token: the finished report's file. */
export function useReportDownloads(options: {
  reportsDir: string;
  tokens: TokenService;
  prisma: PrismaClient;
}): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      const match = url.pathname.match(/^\/reports\/(\d{1,10})\.(csv|html)$/);
      if (!match || request.method !== "GET") return;
      const jobId = Number(match[1]);
      const format = match[2] as keyof typeof CONTENT_TYPES;
      const reply = (status: number, message: string) =>
        endResponse(fetchAPI.Response.json({ error: message }, { status }));
      const token = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
      const viewerId = token ? await options.tokens.verify(token) : null;
      if (viewerId === null) return reply(401, "A valid bearer token is required");
      // Job's owner rule: someone else's report answers as a missing one.
      const job = await options.prisma.job.findUnique({
        where: { id: jobId, ...visibleTo("ownerId", viewerId) },
        select: { status: true },
      });
      if (!job) return reply(404, "No such report");
      if (job.status !== "succeeded") return reply(409, `The report is ${job.status}`);
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
