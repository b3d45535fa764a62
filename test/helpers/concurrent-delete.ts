import pg from "pg";

/**
 * Runs `request` while another session deletes rows, ordered by locks rather than by timing:
 * the deleting transaction takes its locks (the rows it deletes, and `lockTable` when given)
 * before the request starts, so whatever the request reads first still sees the rows; it commits
 * only once the request waits on one of those locks, so the statement that waited (a foreign key
 * check, or the first read of `lockTable`) finds the rows gone. It is a delete landing in the
 * middle of a request, every time.
 */
export async function deleteDuringRequest<T>(
  databaseUrl: string,
  deletion: { sql: string; values?: unknown[]; lockTable?: string },
  request: () => Promise<T>,
): Promise<T> {
  const session = new pg.Client({ connectionString: databaseUrl });
  await session.connect();
  try {
    await session.query("BEGIN");
    if (deletion.lockTable) await session.query(`LOCK TABLE "${deletion.lockTable}" IN ACCESS EXCLUSIVE MODE`);
    await session.query(deletion.sql, deletion.values ?? []);
    const pending = request();
    let settled = false;
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    // A request that never touches the locks ends on its own; the test's assertions then say so.
    while (!settled && !(await waitedOn(session))) await new Promise((resolve) => setTimeout(resolve, 5));
    await session.query("COMMIT");
    return await pending;
  } finally {
    await session.end();
  }
}

/** Whether some other session waits on a lock this session holds. */
export async function waitedOn(session: pg.Client): Promise<boolean> {
  const { rows } = await session.query<{ waiting: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))) AS waiting`,
  );
  return rows[0]?.waiting ?? false;
}
