import cluster, { type Worker } from "node:cluster";
import type { Logger } from "../observability/logger.ts";
import { shutdown } from "../shutdown.ts";
import { StartupError } from "./preflight.ts";

/** What the primary hands each API process: the database it chose (maybe embedded) and the secret. */
export interface ApiProcessJob {
  databaseUrl: string;
  secret: string;
}

type ToApiProcess = { sokudo: "serve"; job: ApiProcessJob } | { sokudo: "stop" };
type FromApiProcess = { sokudo: "ready"; url: string };

const isFromApiProcess = (message: unknown): message is FromApiProcess =>
  typeof message === "object" && message !== null && (message as FromApiProcess).sokudo === "ready";

/** True in a process forked by forkApiProcesses. */
export const isApiProcess = (): boolean => cluster.isWorker;

/**
 * WEB_CONCURRENCY > 1: `count` API processes (node:cluster workers running this same command)
 * share the port, the primary handing them connections in turn. The primary keeps the rest of the
 * command (embedded PostgreSQL, migrations, seed, the job worker of `start`) so that runs once. A
 * process that dies is replaced, once it had been ready; one that dies before it is ready fails the
 * start, or, later, is not replaced (the others serve on). Stopping (registered as `intake`) asks
 * every API process to drain and waits for each to exit. Resolves with the API's URL once all are ready.
 */
export async function forkApiProcesses(
  count: number,
  job: ApiProcessJob,
  logger: Logger,
  onClose: (name: string, close: () => Promise<unknown>, stage: "intake") => void,
): Promise<string> {
  let stopping = false;
  const running = new Set<Worker>();

  const fork = () =>
    new Promise<string>((resolve, reject) => {
      const worker = cluster.fork();
      running.add(worker);
      let ready = false;
      worker.once("online", () => worker.send({ sokudo: "serve", job } satisfies ToApiProcess));
      worker.on("message", (message: unknown) => {
        if (!isFromApiProcess(message)) return;
        ready = true;
        resolve(message.url);
      });
      worker.once("exit", (code, signal) => {
        running.delete(worker);
        if (stopping) return;
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (!ready) {
          reject(new StartupError(`An API process exited with ${how} before it was ready.`));
          return;
        }
        logger.warn(`API process ${worker.process.pid} exited with ${how}: starting another`);
        fork().catch((error: unknown) => {
          logger.error(`${(error as Error).message} Not replaced: ${running.size} of ${count} API processes serve.`);
          if (running.size === 0) void shutdown().then(() => process.exit(1));
        });
      });
    });

  onClose(
    "API processes",
    async () => {
      stopping = true;
      await Promise.all(
        [...running].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once("exit", () => resolve());
              // After a Ctrl-C (signalled to every process of the group) it may already be gone:
              // the callback takes the closed channel's error, which would otherwise be thrown here.
              if (worker.isConnected()) worker.send({ sokudo: "stop" } satisfies ToApiProcess, () => undefined);
            }),
        ),
      );
    },
    "intake",
  );
  const urls = await Promise.all(Array.from({ length: count }, fork));
  return urls[0] ?? "";
}

/**
 * In an API process: waits for the primary's job, serves it with `serve`, and reports ready. The
 * primary's stop drains this process through the usual shutdown sequence.
 */
export function serveAsApiProcess(
  serve: (job: ApiProcessJob) => Promise<string>,
  log: (message: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    process.on("message", (message: ToApiProcess | undefined) => {
      if (message?.sokudo === "stop") {
        void shutdown(log).then(() => process.exit(0));
      } else if (message?.sokudo === "serve") {
        serve(message.job).then((url) => {
          process.send?.({ sokudo: "ready", url } satisfies FromApiProcess);
          resolve();
        }, reject);
      }
    });
  });
}
