import { Worker } from "node:worker_threads";
import type { ActivityReportData } from "./report-render.ts";

/**
 * A small pool of worker threads for CPU-heavy rendering, one task per thread at a time, so
 * neither the job worker's nor the API's event loop waits on it.
 */
export interface RenderPool {
  /** Renders in a thread; if `signal` aborts, the thread is terminated (and replaced) at once. */
  render(data: ActivityReportData, signal?: AbortSignal): Promise<{ csv: string; html: string }>;
  close(): Promise<void>;
}

const spawnRenderThread = () => {
  const worker = new Worker(new URL("./report-render-worker.ts", import.meta.url));
  worker.unref();
  return worker;
};

export function createRenderPool(size: number): RenderPool {
  const all = new Set<Worker>();
  const idle: Worker[] = [];
  const waiting: ((worker: Worker) => void)[] = [];
  for (let i = 0; i < size; i++) {
    const worker = spawnRenderThread();
    all.add(worker);
    idle.push(worker);
  }
  const acquire = () =>
    new Promise<Worker>((resolve) => {
      const worker = idle.pop();
      if (worker) resolve(worker);
      else waiting.push(resolve);
    });
  const release = (worker: Worker) => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };
  const replace = (worker: Worker) => {
    all.delete(worker);
    void worker.terminate();
    const fresh = spawnRenderThread();
    all.add(fresh);
    return fresh;
  };
  return {
    async render(data, signal) {
      signal?.throwIfAborted();
      let worker = await acquire();
      let onAbort: (() => void) | undefined;
      try {
        return await new Promise((resolve, reject) => {
          onAbort = () => {
            worker = replace(worker);
            reject(signal?.reason);
          };
          signal?.addEventListener("abort", onAbort, { once: true });
          worker.once("message", resolve);
          worker.once("error", (error) => {
            worker = replace(worker); // a thread that threw is gone
            reject(error);
          });
          worker.postMessage(data);
        });
      } finally {
        if (onAbort) signal?.removeEventListener("abort", onAbort);
        worker.removeAllListeners("message");
        worker.removeAllListeners("error");
        release(worker);
      }
    },
    async close() {
      await Promise.all([...all].map((worker) => worker.terminate()));
    },
  };
}
