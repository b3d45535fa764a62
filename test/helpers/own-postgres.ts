import { execFile } from "node:child_process";
import { appendFile, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./free-port.ts";

const run = promisify(execFile);

/** The PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup); PG_BIN overrides. */
const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";
const USER = "postgres";

/** As root, PostgreSQL's programs run as the `postgres` system user, and its folders are theirs. */
async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all(
    ["-u", "-g"].map(async (flag) => Number.parseInt((await run("id", [flag, USER])).stdout, 10)),
  );
  return { uid: uid ?? 0, gid: gid ?? 0 };
}

/**
 * A PostgreSQL server of the test's own, in a temporary folder on a free port, with trust
 * authentication and replication allowed from 127.0.0.1: a primary (`startPrimary`) and streaming
 * replicas of it (`startReplica`), which the shared server of the other tests must not be made into.
 */
export class OwnPostgres {
  readonly port: number;
  readonly #root: string;
  readonly #ids: { uid: number; gid: number } | undefined;
  #running = false;

  private constructor(root: string, port: number, ids: { uid: number; gid: number } | undefined) {
    this.#root = root;
    this.port = port;
    this.#ids = ids;
  }

  get #dataDir(): string {
    return path.join(this.#root, "data");
  }

  static async #prepare(): Promise<OwnPostgres> {
    const root = await mkdtemp(path.join(tmpdir(), "sokudo-pg-"));
    const ids = await postgresIds();
    if (ids) await chown(root, ids.uid, ids.gid);
    return new OwnPostgres(root, await freePort(), ids);
  }

  static async startPrimary(): Promise<OwnPostgres> {
    const server = await OwnPostgres.#prepare();
    await server.#run("initdb", ["-D", server.#dataDir, "-U", USER, "--auth=trust", "--no-sync", "-E", "UTF8"]);
    await server.#configure(["wal_level = replica", "max_wal_senders = 4", "fsync = off"]);
    await server.start();
    return server;
  }

  /** A streaming replica of this server (pg_basebackup -R), started. */
  async startReplica(): Promise<OwnPostgres> {
    const replica = await OwnPostgres.#prepare();
    await replica.#run("pg_basebackup", [
      ...[
        "-R",
        "-D",
        replica.#dataDir,
        "-h",
        "127.0.0.1",
        "-p",
        String(this.port),
        "-U",
        USER,
        "-X",
        "stream",
        "-c",
        "fast",
      ],
    ]);
    await replica.#configure([]);
    await replica.start();
    return replica;
  }

  url(database = "postgres"): string {
    return `postgresql://${USER}@127.0.0.1:${this.port}/${database}`;
  }

  async query<Row extends pg.QueryResultRow>(text: string, database = "postgres"): Promise<Row[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<Row>(text)).rows;
    } finally {
      await client.end();
    }
  }

  async start(): Promise<void> {
    await this.#run("pg_ctl", ["-D", this.#dataDir, "-l", path.join(this.#root, "log"), "-w", "start"]);
    this.#running = true;
  }

  /** `immediate`: as if the machine went away (no shutdown checkpoint). */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    await this.#run("pg_ctl", ["-D", this.#dataDir, "-m", mode, "-w", "stop"]);
  }

  async remove(): Promise<void> {
    await this.stop("immediate");
    await rm(this.#root, { recursive: true, force: true });
  }

  /** Later lines win: a replica's copy of its primary's settings gets its own port here. */
  async #configure(settings: string[]): Promise<void> {
    const lines = [
      `port = ${this.port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${this.#root}'`,
    ];
    await appendFile(path.join(this.#dataDir, "postgresql.conf"), `\n${[...lines, ...settings].join("\n")}\n`);
  }

  async #run(program: string, args: string[]): Promise<void> {
    await run(path.join(PG_BIN, program), args, { cwd: this.#root, ...this.#ids });
  }
}
