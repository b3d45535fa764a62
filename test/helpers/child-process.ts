import type { ChildProcess } from "node:child_process";

/**
 * Sends `signal` and resolves once the process has exited. Tests await this before their database
 * is dropped: a process still connected when DROP DATABASE ... WITH (FORCE) runs sees
 * "terminating connection due to administrator command".
 */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}
