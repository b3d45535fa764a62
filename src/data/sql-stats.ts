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
  /** With recordTexts: each statement's text, parameter values and time in ms, in the order they were sent. */
  readonly texts: string[] = [];
  readonly values: unknown[][] = [];
  readonly timings: number[] = [];
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors pg.Client#query's overloads
  override query(...args: any[]): any {
    const query = super.query as (...a: unknown[]) => unknown;
    const stats = storage.getStore();
    if (!stats) return query.apply(this, args);
    stats.statements += 1;
    const index = stats.recordTexts ? stats.texts.push(statementText(args[0])) - 1 : -1;
    if (index >= 0) stats.values[index] = statementValues(args);
    const started = performance.now();
    const finish = () => {
      const elapsed = performance.now() - started;
      stats.durationMs += elapsed;
      if (index >= 0) stats.timings[index] = elapsed;
    };
    const callback = args.at(-1);
    if (typeof callback === "function") {
      args[args.length - 1] = (...results: unknown[]) => {
        finish();
        return callback(...results);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    return result instanceof Promise ? result.finally(finish) : result;
  }
}

function statementText(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg && typeof arg === "object" && "text" in arg) return String((arg as { text: unknown }).text);
  return String(arg);
}

function statementValues(args: unknown[]): unknown[] {
  const [first, second] = args;
  if (Array.isArray(second)) return second;
  if (first && typeof first === "object" && "values" in first && Array.isArray(first.values)) return first.values;
  return [];
}

/**
 * A pool whose connect callbacks run in the caller's async context. pg-pool hands a
 * waiting caller its client from inside whichever request released it; without the
 * binding, that caller's statements would be counted against the releasing request.
 */
export class CountingPool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors pg.Pool#connect's overloads
  override connect(...args: any[]): any {
    const callback = args[0];
    if (typeof callback !== "function") return super.connect();
    // A snapshot of the caller's context frame: cheaper than an AsyncResource per connect.
    const inCallersContext = AsyncLocalStorage.snapshot();
    return super.connect((...results: unknown[]) => inCallersContext(callback, ...results));
  }
}
