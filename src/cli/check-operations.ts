// npm run check-operations -- <persisted-documents.json | *.graphql ...> [--previous report.json] [--json out.json]
// What each of a client's operations will meet on this server, from the schema alone (no database,
// no Redis): for a frontend's CI. Exits 1 when the server would refuse one, or, against a report an
// earlier run wrote with --json, when one got more expensive or lost its cache scope; 2 on bad usage.
import { readFileSync, writeFileSync } from "node:fs";
import { type DocumentNode, Kind, parse, print, visit } from "graphql";
import { createYoga } from "graphql-yoga";
import { ConfigError, loadConfig } from "../config.ts";
import { documentLimitsOf } from "../graphql/document-limits.ts";
import { useIncrementalDelivery } from "../graphql/incremental-delivery.ts";
import { createOperationChecker, type OperationReport } from "../graphql/operation-check.ts";
import { MAX_PAGE_SIZE } from "../schema/builder.ts";
import { schema } from "../schema/index.ts";
import { regressions, type Report } from "./operation-report.ts";

const USAGE =
  "Usage: npm run check-operations -- <persisted-documents.json | *.graphql ...> [--previous report.json] [--json out.json]";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const files: string[] = [];
let previousFile: string | undefined;
let jsonFile: string | undefined;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  if (arg === "--previous" || arg === "--json") {
    const value = args[++i];
    if (!value) fail(USAGE);
    if (arg === "--previous") previousFile = value;
    else jsonFile = value;
  } else if (arg.startsWith("--")) fail(USAGE);
  else files.push(arg);
}
if (files.length === 0) fail(USAGE);

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.message);
}

// The validation the server's Yoga runs: graphql-js's rules with those of @defer and @stream.
const enveloped = createYoga({ schema, plugins: useIncrementalDelivery(), logging: false }).getEnveloped({});
const check = createOperationChecker(schema, {
  limits: documentLimitsOf(config.limits),
  maxCost: config.limits.maxCost,
  largestPage: MAX_PAGE_SIZE,
  ttl: config.responseCache.ttl,
  operationsRateLimited: config.rateLimits.operations !== null,
  validate: (document: DocumentNode) => enveloped.validate(enveloped.schema, document),
});

const operations: OperationReport[] = [];
for (const file of files) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    fail(`${file}: ${(error as Error).message}`);
  }
  for (const [source, document] of documentsOf(file, text)) {
    operations.push(...check(document, source));
  }
}

const report: Report = {
  limits: { maxCost: config.limits.maxCost, maxDepth: config.limits.maxDepth, maxAliases: config.limits.maxAliases },
  operations,
};
let previous: Report | undefined;
if (previousFile) {
  try {
    previous = JSON.parse(readFileSync(previousFile, "utf8")) as Report;
    if (!Array.isArray(previous.operations)) throw new Error("not a report written by --json");
  } catch (error) {
    fail(`--previous ${previousFile}: ${(error as Error).message}`);
  }
}
const changes = previous ? regressions(previous, report) : [];
if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);

printTable(report);
const refused = operations.filter((operation) => operation.refusals.length > 0);
for (const operation of refused) {
  for (const refusal of operation.refusals) console.log(`REFUSED ${operation.name} (${operation.source}): ${refusal}`);
}
for (const change of changes) console.log(`WORSE ${change}`);
const problems = refused.length + changes.length;
const counted = `${operations.length} operation${operations.length === 1 ? "" : "s"}`;
console.log(
  problems === 0
    ? `${counted}: none refused${previous ? ", none worse than before" : ""}`
    : `${counted}: ${refused.length} refused, ${changes.length} worse than before`,
);
process.exitCode = problems === 0 ? 0 : 1;

/**
 * The documents of a file, each as a client sends it: a manifest's entries (graphql-codegen's
 * persisted-documents.json, `{ hash: document }`) as they are; a .graphql file's operations one
 * by one, each with the fragments it uses (as codegen's client preset splits them).
 */
function documentsOf(file: string, text: string): [source: string, document: string][] {
  if (file.endsWith(".json")) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(text);
    } catch (error) {
      fail(`${file}: ${(error as Error).message}`);
    }
    if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) {
      fail(`${file}: not a { hash: document } manifest (graphql-codegen's persisted-documents.json)`);
    }
    return Object.entries(manifest).map(([key, document]) => [
      `${file} ${key.replace(/^sha256:/, "").slice(0, 12)}`,
      String(document),
    ]);
  }
  if (!/\.(graphql|gql)$/.test(file)) fail(`${file}: expected a .json manifest or a .graphql file\n${USAGE}`);
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch {
    return [[file, text]]; // reported as the server would: GRAPHQL_PARSE_FAILED
  }
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  return document.definitions.flatMap((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION) return [];
    const used = new Set<string>();
    const pending = [definition as DocumentNode["definitions"][number]];
    while (pending.length > 0) {
      visit(pending.pop() as never, {
        FragmentSpread(node) {
          const fragment = fragments.get(node.name.value);
          if (fragment && !used.has(node.name.value)) {
            used.add(node.name.value);
            pending.push(fragment);
          }
        },
      });
    }
    const own: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [definition, ...[...used].flatMap((name) => fragments.get(name) ?? [])],
    };
    return [[file, print(own)] as [string, string]];
  });
}

function printTable({ limits, operations: rows }: Report): void {
  const header = ["OPERATION", "TYPE", "COST", "DEPTH", "ALIASES", "SQL", "CACHE", "RATE-LIMITED", "ERRORS"];
  const cells = rows.map((row) => [
    row.name,
    row.type,
    `${row.cost ?? "?"}/${limits.maxCost}`,
    `${row.depth}/${limits.maxDepth}`,
    `${row.aliases}/${limits.maxAliases}`,
    String(row.sqlStatements),
    row.ttlSeconds === null ? row.cacheScope : `${row.cacheScope} ${row.ttlSeconds}s`,
    row.rateLimited.join(",") || "-",
    row.errorCodes.join(","),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column]?.length ?? 0)),
  );
  for (const line of [header, ...cells]) {
    console.log(
      line
        .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  ")
        .trimEnd(),
    );
  }
}
