import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { useTestServer } from "./helpers/server.ts";
import { sseEvents } from "./helpers/sse.ts";

// The job-events LISTEN connection heals: when its backend is terminated, the loss is logged,
// /readyz says 503, it reconnects (here only when the test opens the gate), LISTENs again, and
// subscribers re-read their job, so a change made while nobody listened still reaches them.

let openGate: () => void = () => {};
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});
const logged: string[] = [];
const logger = {
  warn: (_meta: unknown, message?: string) => logged.push(`warn: ${message}`),
  info: (_meta: unknown, message?: string) => logged.push(`info: ${message}`),
};
const outboxDir = await mkdtemp(path.join(tmpdir(), "sokudo-events-"));
const server = await useTestServer({ RESPONSE_CACHE: "off" }, undefined, {
  jobEvents: { logger: logger as never, backoff: () => gate },
});
const http = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());
const owner = await signUpUser(server, "listener");

const readiness = async () => {
  const response = await fetch(`${http.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { jobEvents: string } };
};

async function until(condition: () => Promise<boolean>) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition never held");
}

describe("job events (LISTEN) after the connection is lost", () => {
  it("reports not ready while reconnecting, then delivers what changed in the gap", async () => {
    const requested = await server.execute<{ requestActivityReport: { job: { id: string } } }, unknown>(
      `mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }`,
      { token: owner.token },
    );
    const id = requested.data?.requestActivityReport.job.id as string;

    const events: { status: string; progress: number }[] = [];
    const controller = new AbortController();
    const response = await fetch(`${http.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${owner.token}`,
      },
      body: JSON.stringify({ query: `subscription { jobUpdated(id: "${id}") { status progress } }` }),
      signal: controller.signal,
    });
    const done = (async () => {
      for await (const { event, data } of sseEvents(response)) {
        if (event === "next" && data) events.push(JSON.parse(data).data.jobUpdated);
        if (event === "complete") return;
      }
    })();
    await until(async () => events.length === 1);
    expect(events[0]).toMatchObject({ status: "QUEUED" });
    expect((await readiness()).status).toBe(200);

    const database = new URL(server.url).pathname.slice(1);
    const { rows } = await server.db.pool.query<{ terminated: boolean }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
       WHERE application_name = 'sokudo-job-events' AND datname = $1`,
      [database],
    );
    expect(rows.length).toBeGreaterThan(0);
    await until(async () => (await readiness()).status === 503);
    expect((await readiness()).body.jobEvents).toBe("reconnecting");
    expect(logged).toContain("warn: job events: LISTEN connection lost; reconnecting");

    // The job runs to the end while nobody listens: its notifications are lost.
    await runDueJobs(server.url, { outboxDir });
    expect(events).toHaveLength(1);

    openGate();
    await done;
    controller.abort();
    expect(events.at(-1)).toEqual({ status: "SUCCEEDED", progress: 100 });
    expect((await readiness()).status).toBe(200);
    expect(logged).toContain("info: job events: LISTEN connection re-established");
  });
});
