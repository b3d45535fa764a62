import { Worker } from "node:worker_threads";
import type { ActivityReportData } from "./report-render.ts";

/**
 * A small pool of worker threads for CPU-heavy rendering, one task per thread at a time, so
 * neither the job worker's nor the API's event loop waits on it.
 */
export interface RenderPool {
  render(data: ActivityReportData): Promise<{ csv: string; html: string }>;
  close(): Promise<void>;
}

export function createRenderPool(size: number): RenderPool {
  const idle: Worker[] = [];
  const waiting: ((worker: Worker) => void)[] = [];
  const all: Worker[] = [];
  for (let i = 0; i < size; i++) {
    const worker = new Worker(new URL("./report-render-worker.ts", import.meta.url));
    worker.unref();
    all.push(worker);
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
  return {
    async render(data) {
      const worker = await acquire();
      try {
        return await new Promise((resolve, reject) => {
          worker.once("message", resolve);
          worker.once("error", reject);
          worker.postMessage(data);
        });
      } finally {
        worker.removeAllListeners("message");
        worker.removeAllListeners("error");
        release(worker);
      }
    },
    async close() {
      await Promise.all(all.map((worker) => worker.terminate()));
    },
  };
}
