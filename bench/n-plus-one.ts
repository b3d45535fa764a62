// No N+1: Sokudo beside a naive N+1 baseline on the same seeded database, and how Prisma's own
// nested loading compares.
import { compareStrategies } from "./strategies.ts";
import { CONNECTIONS, load, probe, SECONDS, type Server, startServer } from "./servers.ts";

const SOKUDO_PORT = 4610;
const BASELINE_PORT = 4611;

export const NESTED_LIST = `query NestedList { users(first: 50) { edges { node { handle posts(first: 10) { edges { node { title tags { name } commentCount likeCount comments(first: 10) { edges { node { body author { handle } } } } } } } followerCount } } } }`;

const pad = (value: string | number, width: number) => String(value).padStart(width);

export async function runNPlusOneBench(databaseUrl: string, log: (line: string) => void) {
  const servers: Server[] = [];
  try {
    servers.push(await startServer("baseline", ["bench/baseline/server.ts"], BASELINE_PORT, databaseUrl));
    // The response cache is off: this compares how each server resolves the query.
    servers.push(
      await startServer("sokudo", ["src/main.ts", "serve"], SOKUDO_PORT, databaseUrl, { RESPONSE_CACHE: "off" }),
    );
    log(`\n## nested list: users(50) > posts(10) > tags, counts, comments(10) > author; followerCount`);
    log(`   ${SECONDS} s per server, ${CONNECTIONS} connections, load from a separate process\n`);
    log(`server     req/s    p50 ms    p99 ms   SQL/request   errors`);
    const rows: Record<string, { rps: number; p50: number; p99: number; statements: number; errors: number }> = {};
    for (const server of servers) {
      const { statements, bytes } = await probe(server, NESTED_LIST);
      await probe(server, NESTED_LIST); // warm
      const result = await load(server, NESTED_LIST);
      rows[server.name] = { ...result, statements };
      log(
        `${server.name.padEnd(8)} ${pad(result.rps.toFixed(2), 7)} ${pad(result.p50, 9)} ${pad(result.p99, 9)} ${pad(statements, 13)} ${pad(result.errors, 8)}   (${bytes} bytes/response)`,
      );
    }
    const sokudo = rows.sokudo;
    const baseline = rows.baseline;
    if (sokudo && baseline) {
      const ratio = baseline.rps > 0 ? sokudo.rps / baseline.rps : Number.POSITIVE_INFINITY;
      log(`\nthroughput ratio sokudo/baseline: ${ratio.toFixed(1)}x (target >= 10x)`);
      log(`SQL statements per request: ${baseline.statements} -> ${sokudo.statements}`);
    }

    log(`\n## Prisma nested loading, in process (median of 7)`);
    const strategies = await compareStrategies(databaseUrl);
    for (const [scenario, results] of Object.entries(strategies)) {
      log(`${scenario}`);
      for (const [strategy, figures] of Object.entries(results)) {
        log(`  ${strategy.padEnd(8)} ${pad(figures.medianMs, 8)} ms   ${figures.statements} statement(s)`);
      }
    }
    return { nestedList: rows, strategies };
  } finally {
    for (const server of servers) server.process.kill("SIGTERM");
  }
}
