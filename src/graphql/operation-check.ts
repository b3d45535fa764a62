import { type DocumentNode, GraphQLError, type GraphQLSchema, Kind, parse } from "graphql";
import {
  analyseDocument,
  type CacheScope,
  cacheScopes,
  documentTtlSeconds,
  responseTtls,
  scopeOfOperation,
} from "../cache/cache-scope.ts";
import { costLimitError } from "./cost.ts";
import { type DocumentLimits, measureOperations, parseWithinLimits } from "./document-limits.ts";
import { connectionWrappers, errorCodesOf, selectedFields, sqlStatements } from "./operation-fields.ts";
import { rateLimitedRootFields } from "./rate-limit.ts";
import { worstCaseCost } from "./worst-case-variables.ts";

/** What a client's operation will meet on this server, known from the schema and its document alone. */
export interface OperationReport {
  /** The operation's name ("(anonymous)" without one). */
  name: string;
  /** Where it was read: a file, and the document's key in a manifest. */
  source: string;
  type: "query" | "mutation" | "subscription" | "unknown";
  /** The highest cost any variables give it; null when it cannot be computed. */
  cost: number | null;
  depth: number;
  aliases: number;
  /** The most SQL statements it can run (the rule: `sqlStatements`, operation-fields.ts). */
  sqlStatements: number;
  cacheScope: CacheScope;
  /** How long a cached answer lives; null when it is never cached. */
  ttlSeconds: number | null;
  /** Its root fields that declare a rate limit. */
  rateLimited: string[];
  /** The `extensions.code` of the errors it can be answered with. */
  errorCodes: string[];
  /** Why the server would refuse it before running it; empty when it runs. */
  refusals: string[];
}

export interface CheckOptions {
  limits: DocumentLimits;
  maxCost: number;
  /** The largest page size: what an Int variable is taken to be at worst. */
  largestPage: number;
  ttl: { viewerSeconds: number; byType?: Readonly<Record<string, number>> };
  /** Whether every request counts against a per-address budget (RATE_LIMIT_OPERATIONS). */
  operationsRateLimited: boolean;
  /** The validation the server runs (its rules, its schema with @defer and @stream). */
  validate: (document: DocumentNode) => readonly GraphQLError[];
}

/** Checks documents, each as the server would take it, for every operation it holds. */
export function createOperationChecker(schema: GraphQLSchema, options: CheckOptions) {
  const scopes = cacheScopes(schema);
  const ttls = responseTtls(schema, options.ttl);
  const wrappers = connectionWrappers(schema);
  return (text: string, source: string): OperationReport[] => {
    const refusals: { code: string; message: string }[] = [];
    let document: DocumentNode;
    try {
      document = parseWithinLimits(text, schema, options.limits);
    } catch (error) {
      const refusal = refusalOf(error);
      refusals.push(refusal);
      try {
        // Measured anyway, to show by how much it is over.
        document = parse(text);
      } catch {
        return [unparsed(source, refusal)];
      }
    }
    const invalid = options.validate(document);
    for (const error of invalid) refusals.push({ code: "GRAPHQL_VALIDATION_FAILED", message: error.message });
    const measures = measureOperations(document, schema);
    const facts = analyseDocument(document, schema, scopes);
    const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    return operations.map((operation, index) => {
      const own = [...refusals];
      let cost: number | undefined;
      // Over a limit, its cost is still shown; an invalid document has none.
      if (invalid.length === 0) {
        const worst = worstCaseCost(schema, document, operation, options.largestPage);
        cost = worst.cost;
        if (cost === undefined) {
          own.push({ code: "BAD_USER_INPUT", message: `no variables give it a cost: ${worst.error}` });
        } else if (cost > options.maxCost) {
          own.push({ code: "COST_LIMIT_EXCEEDED", message: costLimitError(cost, options.maxCost).message });
        }
      }
      const fields = selectedFields(schema, document, operation);
      const statements = sqlStatements(schema, fields, wrappers);
      const scope = scopeOfOperation(operation.operation, facts.scope);
      const rateLimited = [...rateLimitedRootFields(schema, document, operation)].map(({ field }) => field.name);
      const limited = rateLimited.length > 0 || options.operationsRateLimited;
      const codes = new Set([
        ...errorCodesOf(schema, operation, fields, statements, limited),
        ...own.map((refusal) => refusal.code),
      ]);
      return {
        name: operation.name?.value ?? "(anonymous)",
        source,
        type: operation.operation,
        cost: cost ?? null,
        depth: measures[index]?.depth ?? 0,
        aliases: measures[index]?.aliases ?? 0,
        sqlStatements: statements,
        cacheScope: scope,
        ttlSeconds: scope === "NONE" ? null : documentTtlSeconds(facts, ttls, options.ttl.viewerSeconds),
        rateLimited,
        errorCodes: [...codes].sort(),
        refusals: own.map((refusal) => `${refusal.code}: ${refusal.message}`),
      };
    });
  };
}

function refusalOf(error: unknown): { code: string; message: string } {
  const code = error instanceof GraphQLError ? error.extensions.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { code: typeof code === "string" ? code : "GRAPHQL_PARSE_FAILED", message };
}

function unparsed(source: string, refusal: { code: string; message: string }): OperationReport {
  return {
    name: "(unparsed)",
    source,
    type: "unknown",
    cost: null,
    depth: 0,
    aliases: 0,
    sqlStatements: 0,
    cacheScope: "NONE",
    ttlSeconds: null,
    rateLimited: [],
    errorCodes: [refusal.code],
    refusals: [`${refusal.code}: ${refusal.message}`],
  };
}
