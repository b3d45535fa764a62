import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { afterAll } from "vitest";
import { forwardOutput, stopProcess } from "./child-process.ts";
import { useTestDatabase } from "./database.ts";
import { freePort } from "./free-port.ts";
import { TEST_REDIS_URL } from "./redis.ts";

export const PROCESS_SECRET = "server-process-test-secret-long-enough";

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  /** Every line the process has written so far, stdout and stderr. */
  output: string[];
  databaseUrl: string;
  /** Resident set size now and at its peak (VmHWM), in bytes, read from /proc. */
  memory(): { rss: number; peak: number };
  /** User + system CPU time the process has used, in milliseconds (/proc/<pid>/stat). */
  cpuMs(): number;
  exited(): boolean;
}

/**
 * `npm run serve` as a child process (production mode, Redis response cache, demo upstreams) on
 * this test file's own database and a free port; stopped after the file.
 */
export async function startServerProcess(
  env: Record<string, string> = {},
  nodeOptions: string[] = [],
): Promise<ServerProcess> {
  const databaseUrl = await useTestDatabase();
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeOptions, "src/main.ts", "serve"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: PROCESS_SECRET,
      DEMO_UPSTREAMS: "on",
      REDIS_URL: TEST_REDIS_URL,
      RESPONSE_CACHE: "on",
      CACHE_KEY_PREFIX: `test:process:${process.pid}:${port}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  forwardOutput(child);
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => output.push(line));
  }
  afterAll(() => stopProcess(child));
  const base = `http://127.0.0.1:${port}`;
  const startDeadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
      if (Date.now() > startDeadline) throw new Error("server did not start within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const pid = child.pid;
  return {
    child,
    base,
    output,
    databaseUrl,
    memory() {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN);
      return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
    },
    cpuMs() {
      // Fields after the parenthesised command name: utime is the 14th field, stime the 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
    },
    exited: () => child.exitCode !== null || child.signalCode !== null,
  };
}
