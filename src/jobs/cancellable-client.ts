import type pg from "pg";

/**
 * Runs `work` on one pooled connection. When `signal` aborts (the worker is shutting down), the
 * statement the connection is running is cancelled with pg_cancel_backend, so a long query cannot
 * hold the shutdown; `work` then rejects with PostgreSQL's cancellation error.
 */
export async function withCancellableClient<T>(
  pool: pg.Pool,
  signal: AbortSignal | undefined,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted();
  const client = await pool.connect();
  const backendPid = (client as pg.PoolClient & { processID: number }).processID;
  const cancel = () => {
    pool.query("SELECT pg_cancel_backend($1)", [backendPid]).catch(() => {});
  };
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    return await work(client);
  } finally {
    signal?.removeEventListener("abort", cancel);
    client.release();
  }
}
