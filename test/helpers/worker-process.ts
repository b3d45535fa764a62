import { type ChildProcess, spawn } from "node:child_process";

export interface WorkerProcess {
  child: ChildProcess;
  /** graphile-worker's pool id, as its jobs' `locked_by` names it. */
  poolId: string;
  /** Everything the process has written so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
}

/**
 * `npm run worker` (src/main.ts worker) as a child process on `databaseUrl`, mail written to
 * `outboxDir`; resolves once it has announced its pool. `spawned` gets the child at once, so a
 * caller can stop a worker that fails to start.
 */
export async function startWorkerProcess(
  databaseUrl: string,
  outboxDir: string,
  env: Record<string, string> = {},
  spawned: (child: ChildProcess) => void = () => {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["src/main.ts", "worker"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      DATABASE_URL: databaseUrl,
      OUTBOX_DIR: outboxDir,
      REPORT_RENDER_THREADS: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned(child);
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const poolId = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const started = /job worker (\S+) started/.exec(output);
      if (started?.[1]) resolve(started[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => reject(new Error(`worker exited with ${code} before starting:\n${output}`)));
  });
  return { child, poolId, output: () => output, exited };
}
