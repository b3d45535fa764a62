import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Dependencies load graphql's CommonJS build through Node; point our own imports at the
    // same file, or Vite's "module" field would load a second copy (index.mjs) beside it.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    // Each file gets its own database, so files run in parallel safely.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // A passing test is quiet: what it prints (server logs, which test/helpers/logger.ts sends
    // through console, child processes' output, its own summary lines) is shown only when it, its
    // suite or its file fails. TEST_VERBOSE=1 shows everything as it comes.
    silent: process.env.TEST_VERBOSE === "1" ? false : "passed-only",
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
