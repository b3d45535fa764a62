import { type Plugin, useReadinessCheck } from "graphql-yoga";
import type { Database } from "../data/db.ts";
import type { JobEvents } from "../jobs/tracking.ts";
import { pendingMigrations } from "../migrate/apply.ts";

/**
 * GET /healthz: the process is alive ({"status":"ok"}; Yoga's own health check answers an empty
 * body, and our probes and docs promise JSON). GET /readyz (Yoga's readiness check): the database
 * answers, no migration is pending and the job-events LISTEN connection is up (subscriptions would
 * hear nothing without it).
 */
export function useHealthChecks(db: Database, jobEvents: JobEvents): Plugin[] {
  return [
    {
      onRequest({ url, endResponse, fetchAPI }) {
        if (url.pathname === "/healthz") endResponse(fetchAPI.Response.json({ status: "ok" }));
      },
    },
    useReadinessCheck({
      endpoint: "/readyz",
      async check({ fetchAPI }) {
        const client = await db.pool.connect().catch(() => null);
        if (!client) return fetchAPI.Response.json({ status: "unavailable", database: "unreachable" }, { status: 503 });
        try {
          const pending = await pendingMigrations(client);
          const ready = pending.length === 0 && jobEvents.listening;
          return fetchAPI.Response.json(
            {
              status: ready ? "ok" : "unavailable",
              database: "ok",
              pendingMigrations: pending,
              jobEvents: jobEvents.listening ? "ok" : "reconnecting",
            },
            { status: ready ? 200 : 503 },
          );
        } finally {
          client.release();
        }
      },
    }),
  ];
}
