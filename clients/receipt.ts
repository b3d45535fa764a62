/**
 * The receipt Sokudo puts in every mutation's `extensions.changed` (server: src/graphql/receipts.ts),
 * shared by the Apollo link and the urql exchange beside this file.
 */
export interface Receipt {
  /** Global ids of entities created or whose fields (counters included) changed. */
  nodes: string[];
  /** Global ids of entities deleted. */
  deleted: string[];
  /** `Query.<field>` (root lists, whatever their arguments), `<Type>.<field>:<global id>`, or `<Type>.<field>` for every entity of the type. */
  lists: string[];
  /** Types of which any entity may have changed. */
  types: string[];
  /** Anything may have changed (a raw SQL write): refetch everything. */
  everything?: true;
}

/** The receipt in a result's extensions, if it carries one. */
export function receiptIn(extensions: Record<string, unknown> | undefined): Receipt | undefined {
  const changed = extensions?.changed as Partial<Receipt> | undefined;
  if (typeof changed !== "object" || changed === null || !Array.isArray(changed.nodes)) return undefined;
  return {
    nodes: changed.nodes,
    deleted: changed.deleted ?? [],
    lists: changed.lists ?? [],
    types: changed.types ?? [],
    ...(changed.everything ? { everything: true } : {}),
  };
}

/** The type a Sokudo global id names (base64 of `<Type>:<id>`). */
export function typenameOf(globalId: string): string {
  return atob(globalId).split(":")[0] ?? "";
}

/** A list entry split into its type, field and (for one entity's list) the entity's global id. */
export function parseList(list: string): { typename: string; field: string; id: string | undefined } {
  const [coordinate = "", id] = list.split(":");
  const [typename = "", field = ""] = coordinate.split(".");
  return { typename, field, id };
}
