import { createRequire } from "node:module";
import type pg from "pg";

// node-postgres's own parameter conversion (arrays, dates, buffers), which it does not type.
const { prepareValue } = createRequire(import.meta.url)("pg/lib/utils.js") as {
  prepareValue: (value: unknown) => unknown;
};

/** One node of `EXPLAIN (FORMAT JSON)`'s plan tree, the fields this check reads. */
interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Rows Removed by Join Filter"?: number;
  Plans?: PlanNode[];
}

export interface PlanReport {
  /** Rows the statement returned. */
  returned: number;
  /**
   * Rows the scans produced or threw away (per loop, times loops), summed over every scan of a table
   * of `bigTables`: a table smaller than that is read whole when the planner likes, at a fixed cost.
   */
  read: number;
  /** Sequential scans, by table. */
  seqScans: string[];
  /** One line per scan, for failure messages. */
  scans: string[];
}

// A bitmap index scan's rows are read again by its bitmap heap scan: counted there only.
const TABLE_SCANS = new Set(["Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan"]);

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** A parameter as a SQL literal, converted the way node-postgres sends it. */
function literal(client: pg.Client, value: unknown): string {
  const prepared = prepareValue(value);
  if (prepared === null || prepared === undefined) return "NULL";
  return client.escapeLiteral(Buffer.isBuffer(prepared) ? prepared.toString() : String(prepared));
}

/**
 * Runs `text` as a prepared statement with its generic plan (the plan PostgreSQL keeps for a
 * prepared statement once custom plans stop paying: it knows no parameter value) under
 * `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` in a transaction that is rolled back.
 */
export async function explainGeneric(
  client: pg.Client,
  text: string,
  values: unknown[],
  bigTables: ReadonlySet<string>,
): Promise<PlanReport> {
  await client.query("BEGIN");
  try {
    await client.query("SET LOCAL plan_cache_mode = force_generic_plan");
    await client.query(`PREPARE explained AS ${text}`);
    const args = values.length > 0 ? `(${values.map((value) => literal(client, value)).join(", ")})` : "";
    const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE explained${args}`,
    );
    const root = rows[0]?.["QUERY PLAN"][0].Plan as PlanNode;
    const report: PlanReport = { returned: root["Actual Rows"], read: 0, seqScans: [], scans: [] };
    walk(root, (node) => {
      if (!TABLE_SCANS.has(node["Node Type"])) return;
      const perLoop =
        node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0);
      const read = perLoop * node["Actual Loops"];
      const table = node["Relation Name"] ?? "?";
      if (bigTables.has(table)) report.read += read;
      if (node["Node Type"] === "Seq Scan") report.seqScans.push(table);
      report.scans.push(
        `${node["Node Type"]} on ${table}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}: ${read} rows read in ${node["Actual Loops"]} loop(s)`,
      );
    });
    return report;
  } finally {
    await client.query("ROLLBACK");
    // A prepared statement outlives its transaction.
    await client.query("DEALLOCATE ALL");
  }
}
