// Several processes per machine: `serve` with WEB_CONCURRENCY=1 beside WEB_CONCURRENCY=2 on one
// seeded database, response cache off, the nested shape and a point lookup, rounds alternating
// 1 2 1 2 per shape. CPU per request sums the primary and its API processes (Linux /proc).
import { globalId, nested, warmUp } from "./postgraphile.ts";
import {
  type LoadRequest,
  type LoadResult,
  loadLoops,
  SECONDS,
  type Server,
  serverCpuMs,
  startServer,
} from "./servers.ts";

const PORTS = { 1: 4694, 2: 4695 } as const;
/** As the PostGraphile comparison: 8 connections (BENCH_CONNECTIONS overrides), 4 per process at 2. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 5);
const POINT_POST_ID = 4242;

const SHAPES = [
  { name: "users(20) > posts(5) > comments(5) + author, + tags", query: nested(20, 5, 5).sokudo, target: 1.35 },
  {
    name: "post(id:) { title author { handle } }",
    query: `{ post(id: "${globalId("Post", POINT_POST_ID)}") { title author { handle } } }`,
    target: undefined,
  },
];

interface Row {
  rps: number;
  p99: number;
  /** CPU time of every process of the server (primary and API processes) per request. */
  cpuMs: number;
  errors: number;
}

export interface ProcessesResult {
  shape: string;
  one: Row;
  two: Row;
  ratio: number;
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
    log(`   req/s: mean of the two rounds; p99: the worse round; CPU ms/req: primary + API processes\n`);
    log(`shape                                                 processes    req/s   p99 ms  CPU ms/req  errors`);
    const results: ProcessesResult[] = [];
    for (const shape of SHAPES) {
      const loops: LoadRequest[][] = [[{ body: JSON.stringify({ query: shape.query }) }]];
      for (const server of servers) {
        await warmUp(server, loops);
        await loadLoops(server, loops, { connections: CONNECTIONS, seconds: WARM_SECONDS });
      }
      const rounds = new Map<Server, { results: LoadResult[]; cpuMs: number }>(
        servers.map((server) => [server, { results: [], cpuMs: 0 }]),
      );
      for (const server of [one, two, one, two]) {
        const before = await serverCpuMs(server);
        const result = await loadLoops(server, loops, { connections: CONNECTIONS });
        const round = rounds.get(server) as { results: LoadResult[]; cpuMs: number };
        round.cpuMs += (await serverCpuMs(server)) - before;
        round.results.push(result);
      }
      const row = (server: Server): Row => {
        const { results: measured, cpuMs } = rounds.get(server) as { results: LoadResult[]; cpuMs: number };
        const requests = measured.reduce((sum, round) => sum + round.requests, 0);
        return {
          rps: measured.reduce((sum, round) => sum + round.rps, 0) / measured.length,
          p99: Math.max(...measured.map((round) => round.p99)),
          cpuMs: cpuMs / Math.max(requests, 1),
          errors: measured.reduce((sum, round) => sum + round.errors, 0),
        };
      };
      const result = { shape: shape.name, one: row(one), two: row(two), ratio: 0 };
      result.ratio = result.two.rps / Math.max(result.one.rps, 1e-9);
      results.push(result);
      for (const [count, r] of [
        [1, result.one],
        [2, result.two],
      ] as const) {
        log(
          `${(count === 1 ? shape.name : "").padEnd(53)} ${pad(count, 9)} ${pad(r.rps.toFixed(1), 8)} ${pad(r.p99, 8)} ${pad(r.cpuMs.toFixed(2), 11)} ${pad(r.errors, 7)}`,
        );
      }
      log(
        `${"".padEnd(53)} ${pad("2 vs 1", 9)} ${pad(result.ratio.toFixed(2) + "x", 8)}${shape.target ? `   (target >= ${shape.target}x)` : ""}`,
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
