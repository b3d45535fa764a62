import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  GraphQLID,
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLInt,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  typeFromAST,
  visit,
} from "graphql";
import { operationCost } from "./cost.ts";

/**
 * The highest cost an operation can have, whatever variables a client sends: operationCost with
 * the costliest values each variable can take. Only page sizes and list lengths weigh: every Int
 * is `largestInt` (the largest page size), every list that long; a Boolean is true, false where
 * it is a `@skip` condition; other required values are any valid one, nullable ones are left out.
 * An ID must be a global id of the type its argument takes, which only the arguments' own parsing
 * knows: each ID starts as an id of the first Node type and moves to the next while the cost
 * fails naming it. Undefined, with the reason, when no values are found.
 */
export function worstCaseCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  largestInt: number,
): { cost: number | undefined; error?: string } {
  const skipped = skipConditions(document);
  const node = schema.getType("Node");
  const idTypes = isInterfaceType(node) ? schema.getPossibleTypes(node).map((type) => type.name) : ["Node"];
  const choices: number[] = [];
  // Each retry moves one ID to its next type: at most (IDs x Node types) attempts.
  for (;;) {
    const ids: string[] = [];
    const idOf = () => {
      const leaf = ids.length;
      const id = encodeGlobalID(idTypes[choices[leaf] ?? 0] ?? "Node", leaf + 1);
      ids.push(id);
      return id;
    };
    const valueOf = (type: GraphQLInputType): unknown => {
      const inner = isNonNullType(type) ? type.ofType : type;
      if (isListType(inner)) {
        const item = valueOf(inner.ofType);
        return Array.from({ length: largestInt }, () => item);
      }
      if (isInputObjectType(inner)) {
        const fields = Object.values(inner.getFields()).filter(
          (field) => isNonNullType(field.type) && field.defaultValue === undefined,
        );
        return Object.fromEntries(fields.map((field) => [field.name, valueOf(field.type)]));
      }
      if (isEnumType(inner)) return inner.getValues()[0]?.value;
      if (inner === GraphQLInt) return largestInt;
      if (inner === GraphQLFloat) return largestInt;
      if (inner === GraphQLBoolean) return true;
      if (inner === GraphQLID) return idOf();
      if (inner.name === "DateTime") return new Date(0).toISOString();
      if (inner.name === "JSON") return {};
      return "x";
    };
    const variableValues: Record<string, unknown> = {};
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      const type = typeFromAST(schema, definition.type);
      if (!type) continue;
      const inner = isNonNullType(type) ? type.ofType : type;
      if (inner === GraphQLBoolean) variableValues[name] = !skipped.has(name);
      else if (inner === GraphQLInt || isListType(inner) || isNonNullType(type)) {
        variableValues[name] = valueOf(type as GraphQLInputType);
      }
    }
    try {
      const cost = operationCost(schema, { document, operationName: operation.name?.value, variableValues });
      return cost === undefined ? { cost, error: "the variables made up for it are not valid" } : { cost };
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      const leaf = ids.findIndex((id) => error.message.includes(id));
      if (leaf === -1 || (choices[leaf] ?? 0) + 1 >= idTypes.length) return { cost: undefined, error: error.message };
      choices[leaf] = (choices[leaf] ?? 0) + 1;
    }
  }
}

/** Variables used as a `@skip(if:)` condition: skipping nothing costs the most. */
function skipConditions(document: DocumentNode): Set<string> {
  const names = new Set<string>();
  visit(document, {
    Directive(node) {
      if (node.name.value !== "skip") return;
      for (const argument of node.arguments ?? []) {
        if (argument.name.value === "if" && argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
      }
    },
  });
  return names;
}
