import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { stopProcess } from "./child-process.ts";
import { freePort } from "./free-port.ts";

/**
 * A Redis Cluster of the test's own: `masters` redis-servers (no replicas) on free ports, their
 * slots assigned by `redis-cli --cluster create`. A test may stop one master (the machine's
 * shared Redis is never touched); `stop()` ends them all and removes their folder.
 */
export class OwnRedisCluster {
  readonly ports: number[];
  readonly #busPorts: number[];
  readonly #processes = new Map<number, ChildProcess>();
  #dir: string | undefined;

  private constructor(ports: number[], busPorts: number[]) {
    this.ports = ports;
    this.#busPorts = busPorts;
  }

  /** Ports chosen now; the servers start with `start()`. */
  static async create(masters = 3): Promise<OwnRedisCluster> {
    const ports: number[] = [];
    // The cluster bus gets a free port of its own too (by default it is port + 10000, maybe taken).
    for (let i = 0; i < masters * 2; i++) ports.push(await freePort());
    return new OwnRedisCluster(ports.slice(0, masters), ports.slice(masters));
  }

  /** The value of REDIS_CLUSTER_NODES. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(",");
  }

  async start(): Promise<void> {
    this.#dir = await mkdtemp(join(tmpdir(), "sokudo-redis-cluster-"));
    const dir = this.#dir;
    this.ports.forEach((port, i) => {
      const child = spawn(
        "redis-server",
        [
          ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir],
          ...["--cluster-enabled", "yes", "--cluster-port", String(this.#busPorts[i])],
          ...["--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "1000"],
          ...["--save", "", "--appendonly", "no", "--daemonize", "no"],
        ],
        { stdio: "ignore" },
      );
      this.#processes.set(port, child);
    });
    await Promise.all(this.ports.map((port) => untilAnswers(port, (redis) => redis.ping())));
    await promisify(execFile)("redis-cli", [
      ...["--cluster", "create", ...this.ports.map((port) => `127.0.0.1:${port}`)],
      ...["--cluster-replicas", "0", "--cluster-yes"],
    ]);
    await Promise.all(this.ports.map((port) => this.untilState(port, "ok")));
  }

  /** Waits until the node on `port` reports `cluster_state:<state>` (a node sees a dead peer as failed after the node timeout). */
  async untilState(port: number, state: "ok" | "fail"): Promise<void> {
    await untilAnswers(port, async (redis) => {
      const info = await redis.cluster("INFO");
      if (!info.includes(`cluster_state:${state}`)) throw new Error(`cluster state on ${port} is not ${state}`);
    });
  }

  /** Runs `command` on a fresh connection to the node on `port`. */
  async onNode<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 0 });
    try {
      return await command(redis);
    } finally {
      redis.disconnect();
    }
  }

  /** The slot of `key` (CLUSTER KEYSLOT). */
  slotOf(key: string): Promise<number> {
    return this.onNode(this.ports[0] as number, (redis) => redis.cluster("KEYSLOT", key));
  }

  /** The port of the master serving the slot of `key`. */
  async masterOf(key: string): Promise<number> {
    const slot = await this.slotOf(key);
    const ranges = await this.onNode(this.ports[0] as number, (redis) => redis.cluster("SLOTS"));
    const [, , master] = ranges.find(([first, last]) => first <= slot && slot <= last) ?? [];
    if (!master) throw new Error(`no master serves slot ${slot}`);
    return master[1];
  }

  /** Every key matching `pattern` on every master (SCAN, never KEYS). */
  async keys(pattern: string): Promise<string[]> {
    const perNode = await Promise.all(
      this.ports.map((port) =>
        this.onNode(port, async (redis) => {
          const found: string[] = [];
          let cursor = "0";
          do {
            const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
            found.push(...batch);
            cursor = next;
          } while (cursor !== "0");
          return found;
        }),
      ),
    );
    return perNode.flat();
  }

  /** Freezes the master on `port` (SIGSTOP): its connections stay open, nothing answers, its data is kept. */
  pauseNode(port: number): void {
    this.#processes.get(port)?.kill("SIGSTOP");
  }

  /** Lets a paused master answer again (SIGCONT), with all the data it had. */
  resumeNode(port: number): void {
    this.#processes.get(port)?.kill("SIGCONT");
  }

  /** The master on `port` dies (SIGKILL): its slots stop answering. */
  async stopNode(port: number): Promise<void> {
    const child = this.#processes.get(port);
    if (!child) return;
    const exited = stopProcess(child, "SIGKILL");
    child.kill("SIGCONT"); // a paused server dies only once it runs again
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all(this.ports.map((port) => this.stopNode(port)));
    if (this.#dir) await rm(this.#dir, { recursive: true, force: true });
  }
}

/** Runs `probe` against the node on `port` until it succeeds (at most 10 s). */
async function untilAnswers(port: number, probe: (redis: Redis) => Promise<unknown>): Promise<void> {
  const redis = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => {});
  let lastError: unknown;
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        if (redis.status !== "ready") await redis.connect();
        await probe(redis);
        return;
      } catch (error) {
        lastError = error;
        if (redis.status === "end") redis.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    redis.disconnect();
  }
  throw new Error(`Redis on port ${port} did not get ready: ${String(lastError)}`);
}
