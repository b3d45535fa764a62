import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

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

/**
 * Hands a child's output (spawned with stdout and stderr "pipe") to `console` line by line, stdout
 * to console.log and stderr to console.error, instead of inheriting the runner's terminal: vitest
 * attributes each line to the test running when it arrived and shows it only if that test fails.
 */
export function forwardOutput(child: ChildProcess): void {
  const lines = (input: Readable | null, write: (line: string) => void) =>
    input && createInterface({ input, crlfDelay: Infinity }).on("line", write);
  lines(child.stdout, (line) => console.log(line));
  lines(child.stderr, (line) => console.error(line));
}
