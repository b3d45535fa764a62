import type { Sql } from "./sql.ts";

/**
 * To-one edges read in the same statement as the rows that point to them (a page of comments with
 * their authors): each a LEFT JOIN by the target's primary key, only the fields the selection shows
 * (schema/narrow-rows.ts declares which, `joinsOne`). The edge's row is partial, like any narrow row.
 */
export interface JoinedEdge {
  /** The edge's name: where joinedEdge finds it on each row. */
  as: string;
  model: string;
  /** The field of the rows that holds the edge's id. */
  by: string;
  fields: readonly string[];
}

const JOINED = Symbol("joined edges");
type WithJoined = { [JOINED]?: Record<string, unknown> };

/**
 * The edge `as` read with `row` in its own statement: the partial row, null if the edge's row was
 * gone (deleted), or undefined when it was not read that way (ask its loader).
 */
export function joinedEdge<Edge>(row: object, as: string): Edge | null | undefined {
  return (row as WithJoined)[JOINED]?.[as] as Edge | null | undefined;
}

const keys = new WeakMap<readonly JoinedEdge[], string>();

/**
 * What `joins` read, as text for statement and loader keys ("author(handle,id)"); "" for none.
 * Remembered per list: a selection's joins are one list, asked for on every request.
 */
export function joinsKey(joins: readonly JoinedEdge[]): string {
  if (joins.length === 0) return "";
  let key = keys.get(joins);
  if (key === undefined) {
    key = joins.map((edge) => `${edge.as}(${edge.fields.join(",")})`).join(",");
    keys.set(joins, key);
  }
  return key;
}

/**
 * The select list and joins of `joins` for rows of `model` under the table alias `alias`: each
 * edge's columns named `<edge>.<field>`, for attachJoined.
 */
export function joinedSql(sql: Sql, model: string, alias: string, joins: readonly JoinedEdge[]) {
  const columns = sql.columns(model);
  let select = "";
  let from = "";
  joins.forEach((edge, index) => {
    const target = sql.columns(edge.model);
    select += `, ${target.selectFields(edge.fields, `j${index}`, `${edge.as}.`)}`;
    from += ` LEFT JOIN "${target.table}" j${index} ON j${index}.id = ${alias}."${columns.column(edge.by)}"`;
  });
  return { select, from };
}

/** Per list of joins: each edge with the row's column names for its fields (`author.handle`). */
const columnNames = new WeakMap<
  readonly JoinedEdge[],
  { as: string; fields: readonly string[]; columns: string[] }[]
>();

function columnsOf(joins: readonly JoinedEdge[]) {
  let named = columnNames.get(joins);
  if (!named) {
    named = joins.map(({ as, fields }) => ({ as, fields, columns: fields.map((field) => `${as}.${field}`) }));
    columnNames.set(joins, named);
  }
  return named;
}

/**
 * Gathers each joined edge's columns (`author.handle`) into its edge (null when its row was gone).
 * They stay on the row too: deleting properties would turn every row into a slow dictionary object.
 * The edges go under a symbol, which JSON and Object.keys skip; assigned, not defined, as a
 * defineProperty per row costs a runtime call where a store follows the rows' shared shape.
 */
export function attachJoined(row: object, joins: readonly JoinedEdge[]): void {
  if (joins.length === 0) return;
  const columns = row as Record<string, unknown>;
  const edges: Record<string, unknown> = {};
  for (const edge of columnsOf(joins)) {
    const joined: Record<string, unknown> = {};
    for (let index = 0; index < edge.fields.length; index++)
      joined[edge.fields[index] as string] = columns[edge.columns[index] as string];
    edges[edge.as] = joined.id === null ? null : joined;
  }
  (row as WithJoined)[JOINED] = edges;
}
