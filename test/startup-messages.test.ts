import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stopProcess } from "./helpers/child-process.ts";
import { useTestDatabase } from "./helpers/database.ts";
import { freePort } from "./helpers/free-port.ts";

// What a newcomer sees when starting goes wrong: one or two plain lines, the cause then the fix,
// from the real CLI in a child process. No stack, no `undefined`.

const scratch = await mkdtemp(path.join(tmpdir(), "sokudo-startup-"));
// As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
await chmod(scratch, 0o755);
const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const child of children) await stopProcess(child, "SIGKILL");
  for (const cleanup of cleanups) await cleanup();
  await rm(scratch, { recursive: true, force: true });
});

/** The environment of a newcomer: none of the test run's database, Redis or secret. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(DATABASE_URL|REDIS_URL|AUTH_SECRET|UPSTREAM_|DEMO_UPSTREAMS|PORT|EMBEDDED_PG_)/.test(name),
    ),
  );
  return { ...inherited, NODE_ENV: "development", LOG_LEVEL: "warn", HOST: "127.0.0.1", ...extra };
}

function launch(args: string[], env: NodeJS.ProcessEnv, nodeOptions: string[] = []) {
  const child = spawn(process.execPath, [...nodeOptions, "src/main.ts", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr })),
  );
  const output = () => stdout + stderr;
  return { child, exited, output };
}

const run = (args: string[], env: NodeJS.ProcessEnv, nodeOptions: string[] = []) =>
  launch(args, env, nodeOptions).exited;

function waitFor(process: ReturnType<typeof launch>, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (process.output().includes(text)) resolve();
      else if (process.child.exitCode !== null) reject(new Error(`exited before "${text}":\n${process.output()}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

/** A PostgreSQL left running by a child killed outright (its own process group) is stopped here. */
async function stopPostgresOn(dataDir: string): Promise<void> {
  const pid = Number.parseInt(
    (await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "")).split("\n")[0] ?? "",
    10,
  );
  if (!pid) return;
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
}

const plainLines = (stderr: string) => stderr.trimEnd().split("\n");

describe("startup failures are one or two plain lines", () => {
  it("a port in use is reported before anything is started, migrated or seeded", async () => {
    const port = await freePort();
    const holder = await occupy(port);
    cleanups.push(() => new Promise((resolve) => holder.close(resolve)));
    const { code, stdout, stderr } = await run(
      ["start"],
      cleanEnv({ PORT: String(port), LOG_LEVEL: "info", EMBEDDED_PG_DIR: path.join(scratch, "unused") }),
    );
    expect(code).toBe(1);
    expect(plainLines(stderr)).toEqual([
      `Port ${port} is already in use (another \`npm start\`, or another program).`,
      `Stop it, or choose a free port: PORT=${port + 1} npm start`,
    ]);
    expect(stdout).not.toMatch(/embedded PostgreSQL|migrat|seed/);
  });

  it("an unreachable DATABASE_URL names the address and the fix", async () => {
    const deadPort = await freePort();
    const { code, stderr } = await run(
      ["start"],
      cleanEnv({ PORT: String(await freePort()), DATABASE_URL: `postgresql://me:secret@127.0.0.1:${deadPort}/app` }),
    );
    expect(code).toBe(1);
    expect(plainLines(stderr)).toEqual([
      `No PostgreSQL is listening at 127.0.0.1:${deadPort}/app (DATABASE_URL): connection refused.`,
      "Start it, or correct DATABASE_URL (or unset it: `npm start` then runs its own PostgreSQL).",
    ]);
    expect(stderr).not.toContain("secret");
  });

  it("serve reports every missing and invalid variable at once", async () => {
    const { code, stderr } = await run(["serve"], cleanEnv({ PORT: "http" }));
    expect(code).toBe(1);
    expect(plainLines(stderr)).toEqual([
      "Invalid configuration:",
      expect.stringMatching(/^ {2}PORT="http": /),
      "  DATABASE_URL, AUTH_SECRET, UPSTREAM_REPUTATION_URL, UPSTREAM_GEO_URL, UPSTREAM_BADGES_URL, " +
        "UPSTREAM_ACTIVITY_URL, UPSTREAM_RECOMMENDER_URL: required by `serve` (UPSTREAM_*: or DEMO_UPSTREAMS=on)",
    ]);
  });

  it("worker reports a missing DATABASE_URL, and an unreachable one plainly", async () => {
    const missing = await run(["worker"], cleanEnv({}));
    expect(missing.code).toBe(1);
    expect(plainLines(missing.stderr)).toEqual(["Invalid configuration:", "  DATABASE_URL: required by `worker`"]);

    const deadPort = await freePort();
    const unreachable = await run(["worker"], cleanEnv({ DATABASE_URL: `postgresql://127.0.0.1:${deadPort}/app` }));
    expect(unreachable.code).toBe(1);
    expect(plainLines(unreachable.stderr)[0]).toBe(
      `No PostgreSQL is listening at 127.0.0.1:${deadPort}/app (DATABASE_URL): connection refused.`,
    );
  });
});

describe("what only shows once the server is built, or before main.ts runs", () => {
  it("an invalid OTEL_* value, with telemetry loaded first (`npm run serve`), is reported with the rest", async () => {
    const { code, stderr } = await run(
      ["serve"],
      cleanEnv({ DEMO_UPSTREAMS: "on", OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }),
      ["--import", "./src/telemetry.ts"],
    );
    expect(code).toBe(1);
    expect(plainLines(stderr)).toEqual([
      "Invalid configuration:",
      "  OTEL_EXPORTER_OTLP_ENDPOINT (value not shown): an http:// or https:// URL",
      "  DATABASE_URL, AUTH_SECRET: required by `serve`",
    ]);
  });

  it("a trusted-documents manifest that does not hash to its keys names the file and the fix", async () => {
    const manifest = path.join(scratch, "stale-persisted-documents.json");
    const key = "0".repeat(64);
    await writeFile(manifest, JSON.stringify({ [key]: "query Viewer { viewer { handle } }" }));
    const { code, stderr } = await run(
      ["serve"],
      cleanEnv({
        PORT: String(await freePort()),
        DATABASE_URL: await useTestDatabase(),
        AUTH_SECRET: "startup-messages-secret-startup-messages",
        DEMO_UPSTREAMS: "on",
        TRUSTED_DOCUMENTS_FILE: manifest,
      }),
    );
    expect(code).toBe(1);
    expect(plainLines(stderr)).toEqual([
      "Invalid configuration:",
      `  TRUSTED_DOCUMENTS_FILE: ${manifest}: ${key} is not the sha256 of its document (hashAlgorithm: "sha256" in codegen.ts)`,
    ]);
  });
});

describe("one data folder, several commands", () => {
  const dataDir = path.join(scratch, "shared-pg");
  let pgPort: number;

  it("a second `npm start` on the same data folder says who holds it and how to run a second copy", async () => {
    pgPort = await freePort();
    const first = launch(
      ["start"],
      cleanEnv({
        LOG_LEVEL: "info",
        PORT: String(await freePort()),
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: String(pgPort),
      }),
    );
    cleanups.push(() => stopPostgresOn(dataDir));
    await waitFor(first, "Sokudo ready");

    const second = await run(
      ["start"],
      cleanEnv({ PORT: String(await freePort()), EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }),
    );
    expect(second.code).toBe(1);
    const lines = plainLines(second.stderr);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^The data folder ${dataDir} is in use by the PostgreSQL of another \`npm start\` \\(pid \\d+, port ${pgPort}\\)\\.$`,
      ),
    );
    expect(lines[1]).toMatch(/^Stop that one \(Ctrl-C in its terminal\), or give this one its own: EMBEDDED_PG_DIR=/);

    // `npm run migrate` while `npm start` runs: migrates the running one's database.
    const migrate = await run(
      ["migrate"],
      cleanEnv({ LOG_LEVEL: "info", EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) }),
    );
    expect(migrate.stderr).toBe("");
    expect(migrate.stdout).toContain("using the embedded PostgreSQL of the running `npm start`");
    expect(migrate.stdout).toContain("migrations: up to date");
    expect(migrate.code).toBe(0);
    expect(first.child.exitCode).toBeNull();

    // A start killed outright leaves its PostgreSQL (own process group) running: the next start stops it.
    await stopProcess(first.child, "SIGKILL");
    const third = launch(
      ["start"],
      cleanEnv({
        LOG_LEVEL: "info",
        PORT: String(await freePort()),
        EMBEDDED_PG_DIR: dataDir,
        EMBEDDED_PG_PORT: String(pgPort),
      }),
    );
    await waitFor(third, "Sokudo ready");
    expect(third.output()).toMatch(/stopping PostgreSQL \d+, left running on .* by a process that died/);
    await stopProcess(third.child, "SIGTERM");
    expect(third.child.exitCode).toBe(0);
  }, 120_000);
});

describe.runIf(process.getuid?.() === 0)("as root, in a private folder", () => {
  it("keeps the embedded data in a folder the postgres user can reach, and says so", async () => {
    const home = path.join(scratch, "private");
    await mkdir(home, { mode: 0o700 });
    const configured = path.join(home, "clone", ".data", "postgres");
    const relocated = path.join(
      "/var/tmp",
      `sokudo-${createHash("sha256").update(configured).digest("hex").slice(0, 12)}`,
    );
    cleanups.push(() => rm(relocated, { recursive: true, force: true }));

    const { code, stdout, stderr } = await run(
      ["migrate"],
      cleanEnv({ LOG_LEVEL: "info", EMBEDDED_PG_DIR: configured, EMBEDDED_PG_PORT: String(await freePort()) }),
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(`starting embedded PostgreSQL (data in ${relocated}/postgres, port`);
    expect(stdout).toContain(`user that runs it as root cannot enter ${home}`);
    expect(stdout).toContain("applied migrations");
  }, 120_000);
});
