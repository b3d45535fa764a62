// npm run bench: every benchmark scenario, side by side in one run, on one seeded database.
// BENCH_ONLY=nplus1,cache picks scenarios (postgraphile: Sokudo beside PostGraphile 5; processes: WEB_CONCURRENCY=1 vs 2); BENCH_SECONDS, BENCH_CONNECTIONS tune the load.
// Servers and load generators are separate processes; all traffic stays on 127.0.0.1.
import { mkdir, writeFile } from "node:fs/promises";
import { runCacheBench } from "./cache.ts";
import { prepareBenchDatabase } from "./database.ts";
import { runJobsBench } from "./jobs.ts";
import { runNPlusOneBench } from "./n-plus-one.ts";
import { runPostGraphileBench } from "./postgraphile.ts";
import { runProcessesBench } from "./processes.ts";
import { runScaleBench } from "./scale.ts";
import { CONNECTIONS, SECONDS } from "./servers.ts";
import { runTracingBench } from "./tracing.ts";
import { runUpstreamBench } from "./upstream.ts";

const log = (line: string) => console.log(line);

const SCENARIOS: Record<string, (databaseUrl: string, log: (line: string) => void) => Promise<unknown>> = {
  nplus1: runNPlusOneBench,
  cache: runCacheBench,
  upstream: runUpstreamBench,
  tracing: runTracingBench,
  jobs: runJobsBench,
  scale: runScaleBench,
  postgraphile: runPostGraphileBench,
  processes: runProcessesBench,
};

const only = process.env.BENCH_ONLY?.split(",").map((name) => name.trim());
const unknown = only?.filter((name) => !(name in SCENARIOS));
if (unknown?.length)
  throw new Error(`BENCH_ONLY: unknown ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`);

const database = await prepareBenchDatabase(log);
const results: Record<string, unknown> = { seconds: SECONDS, connections: CONNECTIONS };
try {
  for (const [name, run] of Object.entries(SCENARIOS)) {
    if (!only || only.includes(name)) results[name] = await run(database.url, log);
  }
  await mkdir("bench/results", { recursive: true });
  await writeFile(
    `bench/results/${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
    JSON.stringify(results, null, 2),
  );
} finally {
  await database.stop();
}
