import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  type ExecutionResult,
  getNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
  OperationTypeNode,
} from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { type Change, collectWrites } from "../data/write-log.ts";

/**
 * Mutation receipts: every mutation's result carries `extensions.changed`, what its writes changed,
 * from the same write log (data/write-log.ts) that invalidates the response cache, so a client
 * cache can update itself with no hand-written `update` (clients/apollo-receipts.ts,
 * clients/urql-receipts.ts). Counters kept by triggers are reported through the row whose
 * foreign key they count (a like changes its post's `likeCount`: the post is in `nodes`).
 */
export interface Receipt {
  /** Global ids of entities created or whose fields (counters included) changed. */
  nodes: string[];
  /** Global ids of entities deleted. */
  deleted: string[];
  /**
   * Lists whose members changed: `Query.<field>` for a root list (whatever its arguments), and
   * `<Type>.<field>:<global id>` for one entity's list; `<Type>.<field>` alone when the write
   * could not say which entity's (every one of them may have changed).
   */
  lists: string[];
  /** Types of which any entity may have changed, for writes that name no row (cascaded deletes, tags joined by name). */
  types: string[];
  /**
   * A write the data model cannot describe (raw SQL) may have changed anything: drop or refetch
   * every cached answer. Chosen over listing every list, which would still miss changed fields.
   */
  everything?: true;
}

/** What the plugin reads of the request record (graphql/request-record.ts). */
export interface RecordedOperations {
  of(request: Request): { operationType: OperationTypeNode | undefined } | undefined;
}

export function useMutationReceipts(options: { schema: GraphQLSchema; records: RecordedOperations }): Plugin {
  const lists = listFields(options.schema);
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const request = (args.contextValue as { request: Request }).request;
      if (options.records.of(request)?.operationType !== OperationTypeNode.MUTATION) return;
      setExecuteFn(async (executeArgs) => {
        const { result, changes } = await collectWrites(async () => executeFn(executeArgs));
        return withReceipt(result, receiptOf(changes, options.schema, lists));
      });
    },
  };
}

/** The receipt of a write log: only types and fields the schema shows, named as the schema names them. */
export function receiptOf(changes: Change[], schema: GraphQLSchema, lists: ListFields): Receipt {
  const receipt: Receipt = { nodes: [], deleted: [], lists: [], types: [] };
  const shown = (typename: string) => isObjectType(schema.getType(typename));
  for (const change of changes) {
    if ("everything" in change) receipt.everything = true;
    else if ("listOf" in change) receipt.lists.push(...(lists.roots.get(change.listOf) ?? []));
    else if (shown(change.typename)) {
      const id = change.id === undefined ? undefined : encodeGlobalID(change.typename, String(change.id));
      if (id === undefined) receipt.types.push(change.typename);
      else (change.deleted ? receipt.deleted : receipt.nodes).push(id);
      for (const field of change.lists ?? []) {
        const coordinate = `${change.typename}.${field}`;
        if (lists.ofEntities.has(coordinate)) receipt.lists.push(id === undefined ? coordinate : `${coordinate}:${id}`);
      }
    }
  }
  return {
    nodes: unique(receipt.nodes),
    deleted: unique(receipt.deleted),
    lists: unique(receipt.lists),
    types: unique(receipt.types),
    ...(receipt.everything ? { everything: true } : {}),
  };
}

export interface ListFields {
  /** `Query.<field>` coordinates of the root fields listing each type, by type name. */
  roots: Map<string, string[]>;
  /** `<Type>.<field>` coordinates of the object fields that list something. */
  ofEntities: Set<string>;
}

/** The fields that list a type (a list of it, or a connection whose edges hold it), read from the schema. */
export function listFields(schema: GraphQLSchema): ListFields {
  const roots = new Map<string, string[]>();
  const ofEntities = new Set<string>();
  const queryType = schema.getQueryType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const listed = listedType(field.type);
      if (!listed) continue;
      const coordinate = `${type.name}.${field.name}`;
      if (type === queryType) roots.set(listed, [...(roots.get(listed) ?? []), coordinate]);
      else ofEntities.add(coordinate);
    }
  }
  return { roots, ofEntities };
}

function listedType(type: GraphQLOutputType): string | undefined {
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  if (isListType(unwrapped)) {
    const item = getNamedType(unwrapped);
    return isObjectType(item) ? item.name : undefined;
  }
  if (!isObjectType(unwrapped)) return undefined;
  const edges = unwrapped.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  return node ? getNamedType(node.type).name : undefined;
}

type Executed = ExecutionResult | AsyncIterable<ExecutionResult>;

/** The result with the receipt in its extensions (for an incremental result, in its first payload). */
function withReceipt(result: unknown, changed: Receipt): Executed {
  const add = (payload: ExecutionResult): ExecutionResult => ({
    ...payload,
    extensions: { ...payload.extensions, changed },
  });
  if (!isAsyncIterable<ExecutionResult>(result)) return add(result as ExecutionResult);
  return (async function* () {
    let first = true;
    for await (const payload of result) {
      yield first ? add(payload) : payload;
      first = false;
    }
  })();
}

const unique = (values: string[]) => [...new Set(values)];
