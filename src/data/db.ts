import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { recordWrites } from "./write-log.ts";
import type { Config } from "../config.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import type { Logger } from "../observability/logger.ts";
import { CountingClient, CountingPool } from "./sql-stats.ts";

export type { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  /** The pool Prisma and raw SQL share; every client counts its statements. */
  pool: pg.Pool;
  /** Opens `pool.min` connections so the first requests do not pay for them. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

export function createPool(url: string, pool: Config["pool"], logger?: Logger): pg.Pool {
  const instance = new CountingPool({
    connectionString: url,
    Client: CountingClient,
    min: pool.min,
    max: pool.max,
    connectionTimeoutMillis: pool.connectionTimeoutMs,
    idleTimeoutMillis: pool.idleTimeoutMs,
    maxLifetimeSeconds: pool.maxLifetimeSeconds,
    statement_timeout: pool.statementTimeoutMs,
    application_name: "sokudo",
    // Prepared statements run their generic plan from the first execution. Under the default,
    // PostgreSQL planned a loader's `id = ANY($1)` afresh on every call (its generic plan is
    // estimated for an array of unknown length, so a custom plan always looked cheaper), which was
    // most of a point lookup's PostgreSQL time. Every hot statement's generic plan is checked by
    // test/query-plans.test.ts.
    options: "-c plan_cache_mode=force_generic_plan",
  });
  // pg-pool's end() resolves before its idle clients have disconnected: errors after it are expected.
  instance.on("error", (error) => {
    // Only what the reader needs: pg attaches the whole client (config, buffers, 300 lines) to the error.
    const { message, code } = error as Error & { code?: string };
    if (!instance.ending) logger?.warn({ err: { message, code } }, "idle PostgreSQL connection failed");
  });
  return instance;
}

export function createDatabase(url: string, poolConfig: Config["pool"], logger?: Logger): Database {
  const pool = createPool(url, poolConfig, logger);
  // Every write records what it changed for the response cache (cache/write-log.ts). A query
  // extension leaves the client's API as it is, so it keeps the plain client's type.
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) }).$extends(recordWrites) as unknown as PrismaClient;
  let closed = false;
  return {
    prisma,
    pool,
    async warm() {
      const clients = await Promise.all(Array.from({ length: poolConfig.min }, () => pool.connect()));
      for (const client of clients) client.release();
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      if (!pool.ending) await pool.end();
    },
  };
}
