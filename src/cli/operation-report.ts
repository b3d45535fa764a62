import type { OperationReport } from "../graphql/operation-check.ts";

/** What `npm run check-operations -- --json` writes, and reads back with --previous. */
export interface Report {
  limits: { maxCost: number; maxDepth: number; maxAliases: number };
  operations: OperationReport[];
}

/**
 * How operations got worse since `previous`, matched by name and type: a higher cost, more SQL
 * statements, or a cache scope lost (PUBLIC to per-viewer or uncached, cached to uncached).
 * Operations new or gone are not changes.
 */
export function regressions(previous: Report, current: Report): string[] {
  const before = new Map(previous.operations.map((operation) => [`${operation.type} ${operation.name}`, operation]));
  const changes: string[] = [];
  for (const operation of current.operations) {
    const earlier = before.get(`${operation.type} ${operation.name}`);
    if (!earlier) continue;
    const name = `${operation.name} (${operation.source})`;
    if (operation.cost !== null && earlier.cost !== null && operation.cost > earlier.cost) {
      changes.push(`${name}: costs ${operation.cost}, was ${earlier.cost}`);
    }
    if (operation.sqlStatements > earlier.sqlStatements) {
      changes.push(`${name}: up to ${operation.sqlStatements} SQL statements, was ${earlier.sqlStatements}`);
    }
    const lost =
      (earlier.cacheScope === "PUBLIC" && operation.cacheScope !== "PUBLIC") ||
      (earlier.cacheScope !== "NONE" && operation.cacheScope === "NONE");
    if (lost) changes.push(`${name}: cache scope ${operation.cacheScope}, was ${earlier.cacheScope}`);
  }
  return changes;
}
