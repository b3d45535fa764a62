import type { Plugin } from "graphql-yoga";
import type { CacheStatus } from "../cache/response-cache.ts";
import { currentSqlStats, runWithSqlStats, SqlStats } from "../data/sql-stats.ts";

const statsByRequest = new WeakMap<Request, SqlStats>();

/** The SQL a request has sent so far (for metrics). */
export function sqlStatsOf(request: Request): SqlStats | undefined {
  return statsByRequest.get(request);
}

/**
 * Runs each request inside its own SqlStats scope and reports the SQL it cost in a
 * `Server-Timing` header (visible in browser devtools):
 *   Server-Timing: sql;dur=3.21;desc="4 statements"
 */
export function useServerTiming(options: { cacheStatus?: (request: Request) => CacheStatus | undefined } = {}): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        // A caller that already measures (a test or benchmark recording statement texts) keeps its scope.
        const stats = currentSqlStats() ?? new SqlStats();
        statsByRequest.set(request, stats);
        return runWithSqlStats(stats, wrapped);
      },
    },
    onResponse({ request, response }) {
      const cache = options.cacheStatus?.(request);
      if (cache) response.headers.append("Server-Timing", `cache;desc="${cache}"`);
      const stats = statsByRequest.get(request);
      if (!stats) return;
      response.headers.append(
        "Server-Timing",
        `sql;dur=${stats.durationMs.toFixed(2)};desc="${stats.statements} statement${stats.statements === 1 ? "" : "s"}"`,
      );
    },
  };
}
