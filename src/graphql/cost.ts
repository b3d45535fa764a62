import { PothosValidationError } from "@pothos/core";
import { complexityFromQuery } from "@pothos/plugin-complexity";
import {
  type DocumentNode,
  type ExecutionArgs,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from "graphql";
import { getVariableValues } from "graphql/execution/values.js";
import type { Plugin } from "graphql-yoga";

/**
 * Refuses an operation whose cost is over `maxCost` before anything executes (code
 * COST_LIMIT_EXCEEDED, the computed cost in the message), on HTTP, SSE and WebSocket alike. The
 * cost is the request record's (request-record.ts), computed once with the variables.
 */
export function useCostLimit(costOf: (request: Request) => number | undefined, maxCost: number): Plugin {
  const check = (args: ExecutionArgs, stop: (result: { errors: GraphQLError[] }) => void) => {
    let cost: number | undefined;
    try {
      cost = costOf((args.contextValue as { request: Request }).request);
    } catch (error) {
      // An argument the cost cannot be read from (a global id of the wrong type, say) would fail
      // its field anyway; refusing the operation keeps a bad argument from skipping the budget.
      if (!(error instanceof PothosValidationError || error instanceof GraphQLError)) throw error;
      const extensions = error instanceof GraphQLError ? error.extensions : {};
      stop({ errors: [new GraphQLError(error.message, { extensions: { ...extensions, code: "BAD_USER_INPUT" } })] });
      return;
    }
    if (cost !== undefined && cost > maxCost) {
      stop({ errors: [costLimitError(cost, maxCost)] });
    }
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
  };
}

export const costLimitError = (cost: number, maxCost: number) =>
  new GraphQLError(`The operation costs ${cost}, over the limit of ${maxCost}.`, {
    extensions: { code: "COST_LIMIT_EXCEEDED", cost, maxCost },
  });

/** Operations remembered per parsed document (which Yoga's parse cache shares between requests). */
const COSTS_PER_DOCUMENT = 64;
/** Longer operation-name-and-variables keys are not remembered: the key is kept beside the cost. */
const MAX_COST_KEY_LENGTH = 1_000;

/**
 * operationCost, remembered per document, operation and variables: a cost depends on nothing
 * else (no weight reads the context), and walking the document was a few percent of a point
 * lookup's CPU time.
 */
export function memoizedCost(schema: GraphQLSchema) {
  const costs = new WeakMap<DocumentNode, Map<string, number | undefined>>();
  return (
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variableValues: Readonly<Record<string, unknown>> | undefined,
  ) => {
    const key = `${operation.name?.value ?? ""}:${JSON.stringify(variableValues ?? {})}`;
    if (key.length > MAX_COST_KEY_LENGTH) return costOfOperation(schema, document, operation, variableValues);
    let known = costs.get(document);
    if (known?.has(key)) return known.get(key);
    const cost = costOfOperation(schema, document, operation, variableValues);
    if (!known) costs.set(document, (known = new Map()));
    if (known.size >= COSTS_PER_DOCUMENT) known.delete(known.keys().next().value as string);
    known.set(key, cost);
    return cost;
  };
}

/** The cost of the operation `args` select (graphql-js's rule); undefined when none is selected or its variables are invalid. */
export function operationCost(
  schema: GraphQLSchema,
  args: Pick<ExecutionArgs, "document" | "operationName" | "variableValues">,
): number | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  return operation ? costOfOperation(schema, args.document, operation, args.variableValues ?? undefined) : undefined;
}

function costOfOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variableValues: Readonly<Record<string, unknown>> | undefined,
): number | undefined {
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues ?? {});
  if (variables.errors) return undefined;
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  return complexityFromQuery(
    { ...document, definitions: [operation, ...fragments] },
    { schema, variables: variables.coerced, ctx: {} },
  ).complexity;
}
