import { type Exchange, makeOperation, mapExchange, type Operation } from "@urql/core";
import { parseList, type Receipt, receiptIn } from "./receipt.ts";

/**
 * An urql exchange that applies Sokudo's mutation receipts with urql's document cache: after a
 * mutation, every active query whose last answer holds a changed or deleted entity, an entity of a
 * changed type, or reads a changed list is executed again from the network. urql's own
 * `cacheExchange` refreshes only queries holding a `__typename` the mutation returned, which misses
 * a list that was empty (no typename to match) and a counter on an entity the mutation does not
 * return (the author's `postCount` after `createPost`).
 *
 *   new Client({ url, exchanges: [cacheExchange, receiptsExchange, fetchExchange] })
 *
 * Reads are matched by response key: an aliased list field is matched by its alias, not its name.
 */
export const receiptsExchange: Exchange = (input) => {
  const active = new Map<number, { operation: Operation; reads: Set<string> }>();
  return mapExchange({
    onOperation(operation) {
      if (operation.kind === "teardown") active.delete(operation.key);
    },
    onResult(result) {
      const { operation } = result;
      if (operation.kind === "query" && result.data) {
        active.set(operation.key, { operation, reads: readsOf(result.data) });
      }
      const receipt = operation.kind === "mutation" ? receiptIn(result.extensions) : undefined;
      if (!receipt) return;
      for (const query of active.values()) {
        if (!touches(receipt, query.reads)) continue;
        input.client.reexecuteOperation(
          makeOperation("query", query.operation, { ...query.operation.context, requestPolicy: "network-only" }),
        );
      }
    },
  })(input);
};

/**
 * What an answer reads: the global ids of its entities (`id`), their types (`type:<Type>`), its
 * root fields (`Query.<field>`) and each entity's list fields (`<Type>.<field>:<id>`).
 */
function readsOf(data: Record<string, unknown>): Set<string> {
  const reads = new Set(Object.keys(data).map((field) => `Query.${field}`));
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== "object" || value === null) return;
    const entity = value as Record<string, unknown>;
    const id = typeof entity.id === "string" && typeof entity.__typename === "string" ? entity.id : undefined;
    if (id) reads.add(id).add(`type:${entity.__typename as string}`);
    for (const [field, child] of Object.entries(entity)) {
      const isList = Array.isArray(child) || (typeof child === "object" && child !== null && "edges" in child);
      if (id && isList) reads.add(`${entity.__typename as string}.${field}:${id}`);
      visit(child);
    }
  };
  visit(data);
  return reads;
}

function touches(receipt: Receipt, reads: Set<string>): boolean {
  if (receipt.everything) return true;
  const readsList = (list: string) => {
    if (reads.has(list)) return true;
    const { typename, id } = parseList(list);
    return id === undefined && typename !== "Query" && [...reads].some((read) => read.startsWith(`${list}:`));
  };
  return (
    [...receipt.nodes, ...receipt.deleted].some((id) => reads.has(id)) ||
    receipt.lists.some(readsList) ||
    receipt.types.some((typename) => reads.has(`type:${typename}`))
  );
}
