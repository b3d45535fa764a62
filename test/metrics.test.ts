import { describe, expect, it } from "vitest";
import { createMetrics } from "../src/observability/metrics.ts";

describe("/metrics content", () => {
  it("still answers when the job snapshot cannot be read (database down); job figures are absent or NaN", async () => {
    const metrics = createMetrics({
      pool: () => ({ total: 10, idle: 0, waiting: 7 }),
      cacheOutages: () => 0,
      jobs: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      },
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/sokudo_db_pool_connections\{state="waiting"\} 7/);
    expect(text).not.toMatch(/^sokudo_job_queue_depth\{/m);
    // prom-client writes NaN as "Nan"; Prometheus parses it case-insensitively (promtool accepts it).
    expect(text).toMatch(/^sokudo_job_workers nan$/im); // unknown, so "no worker" does not alert
    expect(text).toMatch(/^sokudo_job_oldest_ready_age_seconds nan$/im);
  });

  it("reports the job snapshot when it can be read", async () => {
    const metrics = createMetrics({
      jobs: async () => ({
        readyByTask: { report__generate: 3 },
        oldestReadyAgeSeconds: 12,
        tracked: [{ kind: "report__generate", status: "failed", count: 2 }],
        workers: 2,
      }),
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^sokudo_job_queue_depth\{task="report__generate"\} 3$/m);
    expect(text).toMatch(/^sokudo_job_oldest_ready_age_seconds 12$/m);
    expect(text).toMatch(/^sokudo_job_workers 2$/m);
    expect(text).toMatch(/^sokudo_jobs_tracked\{task="report__generate",status="failed"\} 2$/m);
  });
});
