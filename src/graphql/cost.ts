import { PothosValidationError } from "@pothos/core";
import { complexityFromQuery } from "@pothos/plugin-complexity";
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from "graphql";
import { getVariableValues } from "graphql/execution/values.js";
import type { Plugin } from "graphql-yoga";

/**
 * Refuses an operation whose cost is over `maxCost` before anything executes (code
 * COST_LIMIT_EXCEEDED, the computed cost in the message), on HTTP, SSE and WebSocket alike.
 */
export function useCostLimit(schema: GraphQLSchema, maxCost: number): Plugin {
  const costOf = memoizedCost(schema);
  const check = (args: ExecutionArgs, stop: (result: { errors: GraphQLError[] }) => void) => {
    let cost: number | undefined;
    try {
      cost = costOf(args);
    } catch (error) {
      // An argument the cost cannot be read from (a global id of the wrong type, say) would fail
      // its field anyway; refusing the operation keeps a bad argument from skipping the budget.
      if (!(error instanceof PothosValidationError || error instanceof GraphQLError)) throw error;
      stop({ errors: [new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } })] });
      return;
    }
    if (cost !== undefined && cost > maxCost) {
      stop({
        errors: [
          new GraphQLError(`The operation costs ${cost}, over the limit of ${maxCost}.`, {
            extensions: { code: "COST_LIMIT_EXCEEDED", cost, maxCost },
          }),
        ],
      });
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

/** Operations remembered per parsed document (which Yoga's parse cache shares between requests). */
const COSTS_PER_DOCUMENT = 64;
/** Longer operation-name-and-variables keys are not remembered: the key is kept beside the cost. */
const MAX_COST_KEY_LENGTH = 1_000;

/**
 * operationCost, remembered per document, operation name and variables: a cost depends on nothing
 * else (no weight reads the context), and walking the document was a few percent of a point
 * lookup's CPU time.
 */
function memoizedCost(schema: GraphQLSchema) {
  const costs = new WeakMap<DocumentNode, Map<string, number | undefined>>();
  return (args: Pick<ExecutionArgs, "document" | "operationName" | "variableValues" | "contextValue">) => {
    const key = `${args.operationName ?? ""}:${JSON.stringify(args.variableValues ?? {})}`;
    if (key.length > MAX_COST_KEY_LENGTH) return operationCost(schema, args);
    let known = costs.get(args.document);
    if (known?.has(key)) return known.get(key);
    const cost = operationCost(schema, args);
    if (!known) costs.set(args.document, (known = new Map()));
    if (known.size >= COSTS_PER_DOCUMENT) known.delete(known.keys().next().value as string);
    known.set(key, cost);
    return cost;
  };
}

/** The cost of the operation `args` will run; undefined when its variables are invalid (execution refuses those). */
export function operationCost(
  schema: GraphQLSchema,
  args: Pick<ExecutionArgs, "document" | "operationName" | "variableValues" | "contextValue">,
): number | undefined {
  const operation = selectedOperation(args.document, args.operationName);
  if (!operation) return undefined;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
  if (variables.errors) return undefined;
  const fragments = args.document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  return complexityFromQuery(
    { ...args.document, definitions: [operation, ...fragments] },
    { schema, variables: variables.coerced, ctx: (args.contextValue ?? {}) as object },
  ).complexity;
}

function selectedOperation(document: DocumentNode, name: string | null | undefined) {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return name ? operations.find((operation) => operation.name?.value === name) : operations[0];
}
