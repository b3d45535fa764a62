// Several processes per machine: `serve` with WEB_CONCURRENCY=1 beside WEB_CONCURRENCY=2 on one
// seeded database, response cache off, the two nested shapes and a point lookup, rounds alternating
// 1 2 1 2 per shape. CPU per request: the primary with its API processes, and the PostgreSQL
// backends of their pools (Linux /proc; only the server under load is busy, so its are the busy ones).
import { cpus, loadavg } from "node:os";
import { globalId, measureUsage, nested, warmUp } from "./postgraphile.ts";
import { type LoadRequest, type LoadResult, loadLoops, SECONDS, type Server, startServer } from "./servers.ts";

const PORTS = { 1: 4694, 2: 4695 } as const;
/** As the PostGraphile comparison: 8 connections (BENCH_CONNECTIONS overrides), 4 per process at 2. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 5);
const POINT_POST_ID = 4242;

const SHAPES = [
  { name: "users(20) > posts(5) > comments(5) + author, + tags", query: nested(20, 5, 5).sokudo, target: 1.35 },
  { name: "users(50) > posts(10) > comments(10) + author, + tags", query: nested(50, 10, 10).sokudo, target: 1.35 },
  {
    name: "post(id:) { title author { handle } }",
    query: `{ post(id: "${globalId("Post", POINT_POST_ID)}") { title author { handle } } }`,
    target: undefined,
  },
];

interface Row {
  rps: number;
  p99: number;
  /** CPU time per request of every process of the server (primary and API processes), and of PostgreSQL. */
  cpuMs: number;
  pgCpuMs: number;
  /** CPU time per request of the load generator, on the same cores. */
  loadCpuMs: number;
  errors: number;
}

export interface ProcessesResult {
  shape: string;
  one: Row;
  two: Row;
  ratio: number;
  /**
   * The most a second process can add on this machine: every core busy at the CPU per request
   * (server, PostgreSQL, load generator) measured with two processes, over one process's rate.
   */
  ceiling: number;
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

export async function runProcessesBench(databaseUrl: string, log: (line: string) => void): Promise<ProcessesResult[]> {
  const servers: Server[] = [];
  try {
    for (const count of [1, 2] as const) {
      servers.push(
        await startServer(`sokudo-x${count}`, ["src/main.ts", "serve"], PORTS[count], databaseUrl, {
          RESPONSE_CACHE: "off",
          WEB_CONCURRENCY: String(count),
        }),
      );
    }
    const [one, two] = servers as [Server, Server];
    log(`\n## Several processes per machine: WEB_CONCURRENCY=1 vs 2, response cache off, pool of 10 per process`);
    log(`   ${SECONDS} s rounds in order 1 2 1 2 per shape, ${CONNECTIONS} connections, load from a separate process`);
    log(`   req/s: mean of the two rounds; p99: the worse round;`);
    log(`   CPU ms/req: node (primary + API processes), and their PostgreSQL backends`);
    log(
      `   ${cpus().length} cores, load average ${loadavg()
        .map((load) => load.toFixed(1))
        .join(" ")} at the start\n`,
    );
    log(
      `shape                                                   processes    req/s   p99 ms  CPU ms/req (node, PostgreSQL)  errors`,
    );
    const results: ProcessesResult[] = [];
    for (const shape of SHAPES) {
      const loops: LoadRequest[][] = [[{ body: JSON.stringify({ query: shape.query }) }]];
      for (const server of servers) {
        await warmUp(server, loops);
        await loadLoops(server, loops, { connections: CONNECTIONS, seconds: WARM_SECONDS });
      }
      const rounds = new Map(
        servers.map((server) => [server, { results: [] as LoadResult[], nodeMs: 0, pgMs: 0, loadMs: 0 }]),
      );
      for (const server of [one, two, one, two]) {
        const usage = await measureUsage(server, databaseUrl, "sokudo");
        const result = await loadLoops(server, loops, { connections: CONNECTIONS });
        const used = await usage.stop();
        const { exitCode, signalCode } = server.process;
        if (exitCode !== null || signalCode !== null)
          throw new Error(`${server.name} exited during the round (${signalCode ?? `code ${exitCode}`})`);
        const round = rounds.get(server);
        if (!round) continue;
        round.results.push(result);
        round.nodeMs += used.nodeMs;
        round.pgMs += used.pgMs;
        round.loadMs += result.cpuMs;
      }
      const row = (server: Server): Row => {
        const {
          results: measured,
          nodeMs,
          pgMs,
          loadMs,
        } = rounds.get(server) ?? {
          results: [],
          nodeMs: 0,
          pgMs: 0,
          loadMs: 0,
        };
        const requests = Math.max(
          1,
          measured.reduce((sum, round) => sum + round.requests, 0),
        );
        return {
          rps: measured.reduce((sum, round) => sum + round.rps, 0) / measured.length,
          p99: Math.max(...measured.map((round) => round.p99)),
          cpuMs: nodeMs / requests,
          pgCpuMs: pgMs / requests,
          loadCpuMs: loadMs / requests,
          errors: measured.reduce((sum, round) => sum + round.errors, 0),
        };
      };
      const result = { shape: shape.name, one: row(one), two: row(two), ratio: 0, ceiling: 0 };
      result.ratio = result.two.rps / Math.max(result.one.rps, 1e-9);
      const perRequest = result.two.cpuMs + result.two.pgCpuMs + result.two.loadCpuMs;
      result.ceiling = (cpus().length * 1000) / Math.max(perRequest, 1e-9) / Math.max(result.one.rps, 1e-9);
      results.push(result);
      for (const [count, r] of [
        [1, result.one],
        [2, result.two],
      ] as const) {
        log(
          `${(count === 1 ? shape.name : "").padEnd(55)} ${pad(count, 9)} ${pad(r.rps.toFixed(1), 8)} ${pad(r.p99, 8)} ${pad(r.cpuMs.toFixed(2), 11)} ${pad(r.pgCpuMs.toFixed(2), 11)} ${pad(r.errors, 14)}`,
        );
      }
      log(
        `${"".padEnd(55)} ${pad("2 vs 1", 9)} ${pad(result.ratio.toFixed(2) + "x", 8)}${shape.target ? `   (target >= ${shape.target}x)` : ""}`,
      );
      log(
        `${"".padEnd(55)} ${pad("ceiling", 9)} ${pad(result.ceiling.toFixed(2) + "x", 8)}   (${cpus().length} cores / ${perRequest.toFixed(2)} ms CPU per request with 2 processes, load generator's ${result.two.loadCpuMs.toFixed(2)} included, over 1 process's req/s)`,
      );
    }
    return results;
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise((resolve) => {
            if (server.process.exitCode !== null) return resolve(undefined);
            server.process.once("exit", resolve);
            server.process.kill("SIGTERM");
          }),
      ),
    );
  }
}
