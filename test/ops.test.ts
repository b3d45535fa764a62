import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../src/observability/metrics.ts";

const RULES = "ops/prometheus/alerts.yml";
const DASHBOARD = "ops/grafana/sokudo-dashboard.json";

describe("ops/", () => {
  it("has alert rules that promtool accepts", () => {
    const output = execFileSync("promtool", ["check", "rules", RULES]).toString();
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("has alert rules that behave as their unit tests say (P95 paging, no job worker, NaN)", () => {
    const output = execFileSync("promtool", ["test", "rules", "ops/prometheus/alerts.test.yml"]).toString();
    expect(output).toContain("SUCCESS");
  });

  it("refers only to metrics Sokudo exports, in the rules and in the dashboard", async () => {
    const metrics = createMetrics({
      pool: () => ({ total: 1, idle: 1, waiting: 0 }),
      cacheOutages: () => 0,
      jobs: async () => ({ readyByTask: { report__generate: 1 }, oldestReadyAgeSeconds: 1, tracked: [], workers: 1 }),
    });
    metrics.watchBreakers(() => ({ geo: "closed" }));
    const exported = await metrics.registry.metrics();
    const referenced = new Set(
      [readFileSync(RULES, "utf8"), readFileSync(DASHBOARD, "utf8")].flatMap(
        (text) => text.match(/sokudo_[a-z_]+/g) ?? [],
      ),
    );
    expect(referenced.size).toBeGreaterThan(5);
    for (const name of referenced) {
      expect(exported, name).toContain(`# TYPE ${name.replace(/_(bucket|sum|count)$/, "")} `);
    }
  });
});
