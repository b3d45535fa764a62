// npm run bench: Sokudo beside a naive N+1 baseline on the same seeded database, in one run.
// Servers and the load generator are separate processes; all traffic stays on 127.0.0.1.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { prepareBenchDatabase } from "./database.ts";
import { compareStrategies } from "./strategies.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const SOKUDO_PORT = 4610;
const BASELINE_PORT = 4611;
const log = (line: string) => console.log(line);

const NESTED_LIST = `query NestedList { users(first: 50) { edges { node { handle posts(first: 10) { edges { node { title tags { name } commentCount likeCount comments(first: 10) { edges { node { body author { handle } } } } } } } followerCount } } } }`;

interface Server {
  name: string;
  url: string;
  process: ChildProcess;
}

function startServer(name: string, script: string[], port: number, databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, script, {
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
      DB_POOL_MIN: "10",
      DB_POOL_MAX: "10",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
        if (response.ok) return resolve({ name, url, process: child });
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) return reject(new Error(`${name} did not start`));
      setTimeout(poll, 200);
    };
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
    void poll();
  });
}

async function probe(server: Server, query: string) {
  const started = performance.now();
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(`${server.name}: ${JSON.stringify(body.errors)}`);
  const statements = Number(response.headers.get("server-timing")?.match(/desc="(\d+) statement/)?.[1]);
  return { statements, latencyMs: performance.now() - started, bytes: JSON.stringify(body).length };
}

function load(
  server: Server,
  query: string,
): Promise<{ rps: number; p50: number; p99: number; requests: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["bench/load.ts", server.url, JSON.stringify({ query }), String(SECONDS), String(CONNECTIONS)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load exited ${code}`))));
  });
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

async function main() {
  const database = await prepareBenchDatabase(log);
  const servers: Server[] = [];
  try {
    servers.push(await startServer("baseline", ["bench/baseline/server.ts"], BASELINE_PORT, database.url));
    servers.push(await startServer("sokudo", ["src/main.ts", "serve"], SOKUDO_PORT, database.url));

    log(`\n## nested list: users(50) > posts(10) > tags, counts, comments(10) > author; followerCount`);
    log(`   ${SECONDS} s per server, ${CONNECTIONS} connections, load from a separate process\n`);
    log(`server     req/s    p50 ms    p99 ms   SQL/request   errors`);
    const rows: Record<string, { rps: number; p50: number; p99: number; statements: number; errors: number }> = {};
    for (const server of servers) {
      const { statements, bytes } = await probe(server, NESTED_LIST);
      await probe(server, NESTED_LIST); // warm
      const result = await load(server, NESTED_LIST);
      rows[server.name] = { ...result, statements };
      log(
        `${server.name.padEnd(8)} ${pad(result.rps.toFixed(2), 7)} ${pad(result.p50, 9)} ${pad(result.p99, 9)} ${pad(statements, 13)} ${pad(result.errors, 8)}   (${bytes} bytes/response)`,
      );
    }
    const sokudo = rows.sokudo;
    const baseline = rows.baseline;
    if (sokudo && baseline) {
      const ratio = baseline.rps > 0 ? sokudo.rps / baseline.rps : Number.POSITIVE_INFINITY;
      log(`\nthroughput ratio sokudo/baseline: ${ratio.toFixed(1)}x (target >= 10x)`);
      log(`SQL statements per request: ${baseline.statements} -> ${sokudo.statements}`);
    }

    log(`\n## Prisma nested loading, in process (median of 7)`);
    const strategies = await compareStrategies(database.url);
    for (const [scenario, results] of Object.entries(strategies)) {
      log(`${scenario}`);
      for (const [strategy, figures] of Object.entries(results)) {
        log(`  ${strategy.padEnd(8)} ${pad(figures.medianMs, 8)} ms   ${figures.statements} statement(s)`);
      }
    }
    await mkdir("bench/results", { recursive: true });
    await writeFile(
      `bench/results/${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
      JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, nestedList: rows, strategies }, null, 2),
    );
  } finally {
    for (const server of servers) server.process.kill("SIGTERM");
    await database.stop();
  }
}

await main();
