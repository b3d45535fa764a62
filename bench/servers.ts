// Servers and load for the benchmarks: each server and the load generator is its own process.
import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:net";

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);

export interface Server {
  name: string;
  url: string;
  process: ChildProcess;
}

/** Fails when something already listens on the port: its answers would pass for the server's. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () => reject(new Error(`port ${port} is taken by another process`)));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

export async function startServer(
  name: string,
  script: string[],
  port: number,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<Server> {
  await assertPortFree(port);
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
      // Benchmarks that call no upstream still need the services configured to start.
      DEMO_UPSTREAMS: "on",
      // One load generator on one address: production's per-address operation budget would refuse it.
      RATE_LIMIT_OPERATIONS: "off",
      RATE_LIMIT_LOGIN_ADDRESS: "off",
      RATE_LIMIT_SIGNUP_ADDRESS: "off",
      ...extraEnv,
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

export async function probe(server: Server, query: string) {
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

export interface LoadRequest {
  /** The JSON request body. */
  body: string;
  headers?: Record<string, string>;
}

/** What bench/load.ts reads on stdin. */
export interface LoadSpec {
  url: string;
  seconds: number;
  connections: number;
  /** Each connection sends one loop's requests in order, then the next loop in turn. */
  loops: LoadRequest[][];
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Socket errors, timeouts, non-2xx answers and answers carrying GraphQL `errors`. */
  errors: number;
  /** CPU time (ms) the load generator itself used, from its start to its report. */
  cpuMs: number;
}

export function load(server: Server, query: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  return loadLoops(server, [[{ body: JSON.stringify({ query }), headers }]]);
}

export function loadLoops(
  server: Server,
  loops: LoadRequest[][],
  options: { seconds?: number; connections?: number } = {},
): Promise<LoadResult> {
  const spec: LoadSpec = {
    url: server.url,
    seconds: options.seconds ?? SECONDS,
    connections: options.connections ?? CONNECTIONS,
    loops,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bench/load.ts"], { stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load exited ${code}`))));
    child.stdin.end(JSON.stringify(spec));
  });
}

/** CPU time (ms) a process has used: utime + stime from /proc/<pid>/stat (0 once it is gone). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 10 ms.
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 10;
}

/** The CPU time (ms) of a server process and of its child processes (WEB_CONCURRENCY's API processes). */
export async function serverCpuMs(server: Server): Promise<number> {
  const pid = server.process.pid ?? 0;
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The parent's pid is the second field after the command.
    if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) children.push(Number(entry));
  }
  const times = await Promise.all([pid, ...children].map(processCpuMs));
  return times.reduce((sum, ms) => sum + ms, 0);
}
