import type { Config } from "../../src/config.ts";
import { createLogger, type DestinationStream, type Logger } from "../../src/observability/logger.ts";

/**
 * Pino's lines through `console` instead of straight to fd 1: vitest then attributes each line to
 * the test running when it was logged, and (silent: "passed-only" in vitest.config.ts) prints it
 * only when that test, its suite or its file fails. Warnings and errors go to stderr.
 */
export const testLogDestination: DestinationStream = {
  write(line) {
    const level = Number(/^\{"level":(\d+)/.exec(line)?.[1] ?? 0);
    if (level >= 40) console.error(line.trimEnd());
    else console.log(line.trimEnd());
  },
};

/** The server's logger as main.ts builds it, writing to {@link testLogDestination}. */
export function createTestLogger(config: Pick<Config, "env" | "logLevel">): Logger {
  return createLogger({ env: config.env, logLevel: config.logLevel, destination: testLogDestination });
}
