import { useGraphQlJit } from "@envelop/graphql-jit";
import {
  type DocumentNode,
  type ExecutionArgs,
  getNamedType,
  getOperationAST,
  type GraphQLNamedType,
  type GraphQLSchema,
  isAbstractType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { deliversIncrementally } from "./incremental-delivery.ts";

/**
 * Executes queries and mutations with graphql-jit: each distinct document (Yoga's parse cache
 * hands back the same document object) is compiled once into plain JavaScript, which resolves
 * large lists several times faster than the interpreting executor. Subscriptions keep the
 * standard executor (graphql-ws streams them through Yoga's own path).
 *
 * @envelop/graphql-jit keeps one compiled query per document, compiled for the operation first
 * asked for: a document with several operations would run that one whatever `operationName`
 * says, so such documents run on the standard executor too.
 *
 * graphql-jit calls a type's `isTypeOf(value)` without the context, and scope-auth enforces a
 * type's own rule (the owner-only Job) in `isTypeOf(value, context)`: a document that can reach
 * such a type runs on the standard executor, so the rule holds on every path.
 *
 * graphql-jit knows nothing of incremental delivery: it would ignore `@defer` and `@stream` and
 * answer in one part, after the slowest field. Documents using them run on Yoga's executor, which
 * delivers them in parts (incremental-delivery.ts).
 */
export function useJitExecution(schema: GraphQLSchema): Plugin {
  const guarded = new Set(
    Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && typeof type.isTypeOf === "function")
      .map((type) => type.name),
  );
  const verdicts = new WeakMap<DocumentNode, boolean>();
  const enableIf = (args: ExecutionArgs) => {
    let verdict = verdicts.get(args.document);
    if (verdict === undefined) {
      verdict =
        hasOneOperation(args.document) &&
        isQueryOrMutation(args) &&
        !deliversIncrementally(args.document) &&
        !reachesAny(args.schema, args.document, guarded);
      verdicts.set(args.document, verdict);
    }
    return verdict;
  };
  return useGraphQlJit({}, { enableIf }) as Plugin;
}

function hasOneOperation(document: DocumentNode): boolean {
  return document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length === 1;
}

function isQueryOrMutation(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName ?? undefined);
  return operation?.operation !== undefined && operation.operation !== "subscription";
}

/** Whether any field or fragment of the document can return one of `names` (abstract types included). */
function reachesAny(schema: GraphQLSchema, document: DocumentNode, names: Set<string>): boolean {
  if (names.size === 0) return false;
  const reaches = (type: GraphQLNamedType | undefined | null): boolean => {
    if (!type) return false;
    if (names.has(type.name)) return true;
    return isAbstractType(type) && schema.getPossibleTypes(type).some((possible) => names.has(possible.name));
  };
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        if (reaches(getNamedType(typeInfo.getType()))) found = true;
      },
      InlineFragment() {
        if (reaches(typeInfo.getType() ? getNamedType(typeInfo.getType()) : undefined)) found = true;
      },
      FragmentDefinition() {
        if (reaches(typeInfo.getType() ? getNamedType(typeInfo.getType()) : undefined)) found = true;
      },
    }),
  );
  return found;
}
