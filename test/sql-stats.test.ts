import { describe, expect, it } from "vitest";
import { createPool } from "../src/data/db.ts";
import { runWithSqlStats, SqlStats } from "../src/data/sql-stats.ts";
import { useTestDatabase } from "./helpers/database.ts";

const url = await useTestDatabase();

describe("SQL statements counted per request", () => {
  it("count a waiting request's statement against it, not against the request whose release handed it the connection", async () => {
    const pool = createPool(url, {
      min: 0,
      max: 1,
      connectionTimeoutMs: 5_000,
      idleTimeoutMs: 10_000,
      maxLifetimeSeconds: 0,
      statementTimeoutMs: 5_000,
    });
    try {
      const held = await pool.connect();
      const releasing = new SqlStats();
      const waiting = new SqlStats();
      const query = runWithSqlStats(waiting, () => pool.query("SELECT 1"));
      // pg-pool hands the queued caller the connection from inside release(), in this context.
      runWithSqlStats(releasing, () => held.release());
      await query;
      expect({ waiting: waiting.statements, releasing: releasing.statements }).toEqual({ waiting: 1, releasing: 0 });
    } finally {
      await pool.end();
    }
  });
});
