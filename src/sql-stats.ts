import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import pg from "pg";

/**
 * Counts the SQL statements that go over the wire, per request.
 * The pool is built with CountingClient, so every statement any caller sends
 * (Prisma, DataLoader batches, raw queries) is counted against the request whose
 * async context issued it.
 */
export class SqlStats {
  statements = 0;
  durationMs = 0;
  readonly texts: string[] = [];
  readonly recordTexts: boolean;
  constructor(recordTexts = false) {
    this.recordTexts = recordTexts;
  }
}

const storage = new AsyncLocalStorage<SqlStats>();

export function runWithSqlStats<T>(stats: SqlStats, fn: () => T): T {
  return storage.run(stats, fn);
}

export function currentSqlStats(): SqlStats | undefined {
  return storage.getStore();
}

export class CountingClient extends pg.Client {
  // pg's overloads make a typed override impractical; the runtime contract is unchanged.
  // biome-ignore lint/suspicious/noExplicitAny: mirrors pg.Client#query's overloads
  override query(...args: any[]): any {
    const query = super.query as (...a: unknown[]) => unknown;
    const stats = storage.getStore();
    if (!stats) return query.apply(this, args);
    stats.statements += 1;
    if (stats.recordTexts) stats.texts.push(statementText(args[0]));
    const started = performance.now();
    const result = query.apply(this, args);
    if (result && typeof (result as Promise<unknown>).finally === "function") {
      return (result as Promise<unknown>).finally(() => {
        stats.durationMs += performance.now() - started;
      });
    }
    return result;
  }
}

function statementText(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg && typeof arg === "object" && "text" in arg) return String((arg as { text: unknown }).text);
  return String(arg);
}
