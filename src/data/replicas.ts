import pg from "pg";
import type { Config } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import { createPool } from "./db.ts";
import { onPool, type Sql } from "./sql.ts";

/**
 * Streaming replicas (DATABASE_REPLICA_URLS) for the loaders' reads. Each replica's replay position
 * is asked at most every POLL_MS, by whichever request first needs it after that (one question
 * shared by the requests meanwhile, no timer). A replica that cannot answer, or lags more than
 * MAX_LAG_SECONDS, is skipped and asked again in the background after DOWN_RETRY_MS; a read that
 * fails on a replica is sent to the primary: a replica never costs an answer.
 */
export interface Replicas {
  /**
   * A replica that has replayed the primary's WAL up to `after` (undefined: any position) and is
   * not far behind; undefined: read from the primary.
   */
  choose(after: bigint | undefined): Sql | undefined | Promise<Sql | undefined>;
  /** The primary's WAL position now: a replica that has replayed it shows every write committed before. */
  primaryLsn(): Promise<bigint>;
  close(): Promise<void>;
}

export const POLL_MS = 50;
export const MAX_LAG_SECONDS = 10;
const DOWN_RETRY_MS = 1_000;
/** The replay question's own limit: an unreachable replica must not hold requests for the pool's timeout. */
const PROBE_TIMEOUT_MS = 1_000;

/** "16/B374D848" as a number: the WAL position's high and low 32 bits. */
export function parseLsn(text: string): bigint {
  const [high = "0", low = "0"] = text.split("/");
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

// Behind means WAL received and not replayed yet: then as old as the last commit it replayed.
const REPLAY_STATE = `SELECT pg_last_wal_replay_lsn()::text AS replay,
  (CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END)::float8 AS lag`;

class Replica {
  readonly sql: Sql;
  readonly pools: pg.Pool[];
  /** The replay position last seen, while the replica is usable; null: skipped. */
  replayed: bigint | null = null;
  checkedAt = Number.NEGATIVE_INFINITY;
  #asking: Promise<void> | undefined;
  #skipped = false;
  readonly #probe: pg.Pool;
  readonly #name: string;
  readonly #logger: Logger | undefined;

  constructor(url: string, name: string, options: { pool: Config["pool"]; primarySql: Sql; logger?: Logger }) {
    this.#name = name;
    this.#logger = options.logger;
    // The reads count against their request as the primary's do (a counting pool); the replay
    // question goes on a connection of its own, outside any request's count.
    const pool = createPool(url, options.pool, options.logger);
    this.#probe = new pg.Pool({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: PROBE_TIMEOUT_MS,
      statement_timeout: PROBE_TIMEOUT_MS,
      application_name: "sokudo-replica-probe",
    });
    this.#probe.on("error", () => {}); // a lost idle probe connection: the next question reconnects
    this.pools = [pool, this.#probe];
    const { primarySql } = options;
    const replicaSql = onPool(primarySql, pool);
    this.sql = {
      ...replicaSql,
      rows: async (text, values, rowOptions) => {
        try {
          return await replicaSql.rows(text, values, rowOptions);
        } catch (error) {
          this.#skip((error as Error).message);
          return primarySql.rows(text, values, rowOptions);
        }
      },
    };
  }

  /** Asks the replica where its replay is; concurrent callers share one question. */
  ask(): Promise<void> {
    return (this.#asking ??= this.#ask().finally(() => (this.#asking = undefined)));
  }

  async #ask(): Promise<void> {
    try {
      const { rows } = await this.#probe.query<{ replay: string | null; lag: number | null }>(REPLAY_STATE);
      const row = rows[0];
      if (!row?.replay) return this.#skip("not in recovery (no replay position)");
      if (row.lag === null || row.lag > MAX_LAG_SECONDS) return this.#skip(`lagging ${row.lag ?? "?"} s`);
      this.replayed = parseLsn(row.replay);
      this.checkedAt = performance.now();
      if (this.#skipped) this.#logger?.info({ replica: this.#name }, "read replica in use again");
      this.#skipped = false;
    } catch (error) {
      this.#skip((error as Error).message);
    }
  }

  #skip(reason: string): void {
    this.replayed = null;
    this.checkedAt = performance.now();
    if (!this.#skipped)
      this.#logger?.warn({ replica: this.#name, reason }, "read replica skipped: its reads go to the primary");
    this.#skipped = true;
  }
}

export function createReplicas(
  urls: string[],
  options: { pool: Config["pool"]; primary: pg.Pool; primarySql: Sql; logger?: Logger },
): Replicas {
  const replicas = urls.map((url, index) => new Replica(url, `replica ${index + 1}`, options));
  for (const replica of replicas) void replica.ask();
  let next = 0;

  const usable = (after: bigint | undefined): Sql | undefined => {
    for (let tried = 0; tried < replicas.length; tried++) {
      const index = (next + tried) % replicas.length;
      const replayed = replicas[index]?.replayed ?? null;
      if (replayed !== null && (after === undefined || replayed >= after)) {
        next = (index + 1) % replicas.length;
        return replicas[index]?.sql;
      }
    }
    return undefined;
  };

  return {
    choose(after) {
      const now = performance.now();
      let waits: Promise<void>[] | undefined;
      for (const replica of replicas) {
        const age = now - replica.checkedAt;
        // A usable replica (or one never asked yet) is asked again before it is relied on; a skipped one in the background.
        if ((replica.replayed !== null || age === Number.POSITIVE_INFINITY) && age > POLL_MS) {
          (waits ??= []).push(replica.ask());
        } else if (replica.replayed === null && age > DOWN_RETRY_MS) void replica.ask();
      }
      return waits ? Promise.all(waits).then(() => usable(after)) : usable(after);
    },
    async primaryLsn() {
      const { rows } = await options.primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
      return parseLsn(rows[0]?.lsn ?? "0/0");
    },
    async close() {
      await Promise.all(
        replicas.flatMap((replica) => replica.pools).map((pool) => (pool.ending ? undefined : pool.end())),
      );
    },
  };
}
