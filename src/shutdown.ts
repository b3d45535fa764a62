/**
 * Resources register how they close; SIGTERM/SIGINT closes them by stage: first what takes new
 * work in (the HTTP server), then what is doing work (the job worker), then everything else in
 * reverse order of registration (pools before the embedded PostgreSQL they talk to), each once.
 */
export type ShutdownStage = "intake" | "work" | "resources";

type Closer = { name: string; stage: ShutdownStage; close: () => Promise<unknown> | unknown };

const STAGES: readonly ShutdownStage[] = ["intake", "work", "resources"];
const closers: Closer[] = [];
let shuttingDown: Promise<void> | undefined;

export function onShutdown(name: string, close: Closer["close"], stage: ShutdownStage = "resources"): void {
  closers.push({ name, stage, close });
}

/** True once a signal (or a command's end) has started closing everything. */
export function isShuttingDown(): boolean {
  return shuttingDown !== undefined;
}

export function shutdown(log: (message: string) => void = () => {}): Promise<void> {
  shuttingDown ??= (async () => {
    const ordered = STAGES.flatMap((stage) => closers.filter((closer) => closer.stage === stage).reverse());
    for (const closer of ordered) {
      try {
        await closer.close();
        log(`closed ${closer.name}`);
      } catch (error) {
        log(`closing ${closer.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  })();
  return shuttingDown;
}

/**
 * Ctrl-C in a terminal signals the whole foreground process group (npm, node, and anything else
 * not detached): the first SIGINT or SIGTERM starts the shutdown; a second one is acknowledged, so
 * an impatient double Ctrl-C does not cut the shutdown short; a third exits at once (the embedded
 * PostgreSQL still gets its stop signal from the process's exit hook).
 */
export function shutdownOnSignals(log: (message: string) => void): void {
  let signals = 0;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      signals += 1;
      if (signals === 2) log(`${signal} received: still shutting down (send it once more to exit at once)`);
      if (signals >= 3) process.exit(130);
      if (signals > 1) return;
      log(`${signal} received: shutting down`);
      void shutdown(log).then(() => process.exit(0));
    });
  }
}
