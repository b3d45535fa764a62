import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";

/**
 * A redis-server of the test's own, on its own port, that the test may stop and start again
 * (outage tests must not touch the machine's shared Redis).
 */
export class OwnRedis {
  readonly port: number;
  #process: ChildProcess | undefined;

  constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#process = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      {
        stdio: "ignore",
      },
    );
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    probe.disconnect();
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing answers, its data is kept. */
  pause(): void {
    this.#process?.kill("SIGSTOP");
  }

  /** Lets a paused server answer again (SIGCONT), with all the data it had. */
  resume(): void {
    this.#process?.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
      child.kill("SIGCONT"); // a paused server dies only once it runs again
    });
  }
}
