import pg from "pg";
import type { Sql } from "./sql.ts";
import { attachJoined, type JoinedEdge, joinedSql, joinsKey } from "./joined-edges.ts";

/**
 * Root lists (every post, every user) in an order a type declares beside its field: by id, or by a
 * counter column kept by triggers with the id breaking ties. Paged by keyset, never by offset: the
 * cursor is the (counter, id) of the last row shown, and the index on (counter, id) is read from it
 * to the limit, so page 500 costs what page 1 does and a row is neither shown twice nor skipped
 * while the counters stand still. (A counter that changes between two pages moves its row; the
 * order is as of each page.)
 */
export interface ListOrder {
  /** The model field sorted on: `id`, or an integer counter (ties broken by id in the same direction). */
  by: string;
  descending: boolean;
}

/** Where a page starts or ends: the sorted value of a row (its id for an id order) and its id. */
export interface ListKey {
  value: number;
  id: number;
}

export interface ListWindow {
  limit: number;
  after: ListKey | null;
  before: ListKey | null;
  /** `last`/`before` paging: read from the other end; the caller reverses. */
  inverted: boolean;
}

/** Filters a root list of posts may carry (posts by tag, posts by text search). */
export interface PostFilter {
  /** A tag's slug: the tag's posts, read from its (tag, post id DESC) index. Id orders only. */
  tagSlug?: string | null;
  /** A PostgreSQL full-text query (websearch syntax) over title and body, read through its GIN index. */
  search?: string | null;
}

/**
 * The text search configuration and expression the GIN index posts_search_idx was built on
 * (migration 20261203160000_list_orders): a query must repeat it exactly for the index to apply.
 */
const POST_SEARCH_VECTOR = `to_tsvector('english'::regconfig, p.title || ' ' || p.body)`;

const MAX_INT = "2147483647";

/** One page of a model's rows in `order`: one statement, whatever the page's depth in the list. */
export async function loadOrderedPage<Row>(
  sql: Sql,
  model: string,
  order: ListOrder,
  window: ListWindow,
  filter: PostFilter = {},
  /** To-one edges to read with the rows (data/joined-edges.ts). */
  joins: readonly JoinedEdge[] = [],
): Promise<Row[]> {
  if ((filter.tagSlug || filter.search) && (model !== "Post" || order.by !== "id")) {
    throw new Error(`Filters are offered on posts in id order only, not on ${model} by ${order.by}`);
  }
  const tagged = Boolean(filter.tagSlug);
  const searched = Boolean(filter.search);
  // Reading forwards walks the order; `inverted` reads from the other end.
  const descending = order.descending !== window.inverted;
  const values: (number | string | null)[] = [window.after?.value ?? null, window.before?.value ?? null, window.limit];
  if (order.by !== "id") values.push(window.after?.id ?? null, window.before?.id ?? null);
  if (tagged) values.push(filter.tagSlug ?? null);
  if (!searched) {
    const text = sql.text(
      `ordered:${model}:${order.by}:${order.descending}:${descending}:${tagged}:${joinsKey(joins)}`,
      () => orderedPageText(sql, model, order, descending, tagged, null, (index) => `$${index}`, joins),
    );
    return withJoined(await sql.rows<Row>(text, values), joins);
  }
  // A search's matches run from a handful to most posts, and the pool runs every statement with its
  // generic plan (data/db.ts), which knows no values: for a rare word it walked every post by id. So
  // a search's values are literals in its text (the words escaped by pg's escapeLiteral, the rest
  // integers), and it is planned with them each time.
  const literal = (index: number) => {
    const value = values[index - 1];
    return value === null || value === undefined
      ? "NULL"
      : typeof value === "number"
        ? String(value)
        : pg.escapeLiteral(value);
  };
  const text = orderedPageText(
    sql,
    model,
    order,
    descending,
    tagged,
    pg.escapeLiteral(filter.search ?? ""),
    literal,
    joins,
  );
  return withJoined(await sql.rows<Row>(text, [], { planEachTime: true }), joins);
}

function withJoined<Row>(rows: Row[], joins: readonly JoinedEdge[]): Row[] {
  for (const row of rows) attachJoined(row as object, joins);
  return rows;
}

function orderedPageText(
  sql: Sql,
  model: string,
  order: ListOrder,
  descending: boolean,
  tagged: boolean,
  /** The search's words as an SQL literal, or null for none. */
  searchLiteral: string | null,
  /** The SQL for value `index` (1-based): a parameter, or a literal. */
  value: (index: number) => string,
  joins: readonly JoinedEdge[],
): string {
  const columns = sql.columns(model);
  const afterOp = order.descending ? "<" : ">";
  const beforeOp = order.descending ? ">" : "<";
  // A missing cursor is the far end of the range, not `$1 IS NULL OR ...`: the bounds stay index
  // conditions, so a generic plan walks the index from the cursor and stops at the limit.
  const far = (op: string) => (op === "<" ? MAX_INT : "0");
  const direction = descending ? "DESC" : "ASC";
  const conditions: string[] = [];
  let from = `"${columns.table}" p`;
  let sortKey: string;
  if (order.by === "id") {
    // A tag's posts are read from its own index (tag, post id DESC): its entries in id order, each
    // joined to its post, so a rare tag costs what a popular one does.
    sortKey = tagged ? `pt."A"` : "p.id";
    conditions.push(`${sortKey} ${afterOp} COALESCE(${value(1)}::int, ${far(afterOp)})`);
    conditions.push(`${sortKey} ${beforeOp} COALESCE(${value(2)}::int, ${far(beforeOp)})`);
  } else {
    const counter = `p."${columns.column(order.by)}"`;
    sortKey = `${counter} ${direction}, p.id`;
    conditions.push(
      `(${counter}, p.id) ${afterOp} (COALESCE(${value(1)}::int, ${far(afterOp)}), COALESCE(${value(4)}::int, ${far(afterOp)}))`,
    );
    conditions.push(
      `(${counter}, p.id) ${beforeOp} (COALESCE(${value(2)}::int, ${far(beforeOp)}), COALESCE(${value(5)}::int, ${far(beforeOp)}))`,
    );
  }
  if (tagged) {
    from = `"_PostToTag" pt JOIN "${columns.table}" p ON p.id = pt."A"`;
    // "A" > 0 repeats the partial index's predicate (every id is positive) so the planner may use it.
    conditions.push(`pt."B" = (SELECT id FROM "tags" WHERE slug = ${value(order.by === "id" ? 4 : 6)})`, `pt."A" > 0`);
  }
  if (searchLiteral !== null) {
    conditions.push(`${POST_SEARCH_VECTOR} @@ websearch_to_tsquery('english'::regconfig, ${searchLiteral})`);
  }
  // Each joined edge is a primary-key lookup per row read, under the LIMIT.
  const joined = joinedSql(sql, model, "p", joins);
  return `SELECT ${columns.selectAs("p")}${joined.select} FROM ${from}${joined.from}
     WHERE ${conditions.join(" AND ")}
     ORDER BY ${sortKey} ${direction}
     LIMIT ${value(3)}::int`;
}
