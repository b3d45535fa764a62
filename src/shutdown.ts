/**
 * Resources register how they close; SIGTERM/SIGINT closes them in reverse order
 * (HTTP first, then pools, then the embedded PostgreSQL), each at most once.
 */
type Closer = { name: string; close: () => Promise<unknown> | unknown };

const closers: Closer[] = [];
let shuttingDown: Promise<void> | undefined;

export function onShutdown(name: string, close: Closer["close"]): void {
  closers.push({ name, close });
}

export function shutdown(log: (message: string) => void = () => {}): Promise<void> {
  shuttingDown ??= (async () => {
    for (const closer of closers.reverse()) {
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

export function shutdownOnSignals(log: (message: string) => void): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log(`${signal} received: shutting down`);
      void shutdown(log).then(() => process.exit(0));
    });
  }
}
