import { builder } from "./builder.ts";
import type { GraphQLResolveInfo } from "graphql";
import type { Context } from "./context.ts";
import { CONNECTION_NODES, rowShapeSelected } from "./narrow-rows.ts";
import { badInput } from "../errors.ts";
import {
  type ConnectionArgs,
  connectionOfRows,
  decodeIdCursor,
  encodeIdCursor,
  parsePage,
} from "./child-connection.ts";
import { type ListKey, type ListOrder, loadOrderedPage, type PostFilter } from "../data/ordered-lists.ts";

/** An order a root list offers, declared beside its type: the enum value's meaning and its sort. */
export interface OrderDeclaration extends ListOrder {
  description: string;
}

/** A GraphQL enum of a list's orders, one value per declaration. */
export function orderEnum<Name extends string>(
  name: string,
  description: string,
  orders: Record<Name, OrderDeclaration>,
) {
  const values = Object.fromEntries(
    Object.entries<OrderDeclaration>(orders).map(([value, order]) => [
      value,
      { value, description: order.description },
    ]),
  ) as Record<Name, { value: Name; description: string }>;
  return builder.enumType(name, { description, values });
}

// An id order's cursor is the one child connections use ("id:<id>"); a counter order's names the
// order, so a cursor taken in one order is refused in another rather than paging from a wrong place.
function encodeCursor(orderName: string, order: ListOrder, row: Record<string, unknown>): string {
  if (order.by === "id") return encodeIdCursor(row.id as number);
  return Buffer.from(`${orderName}:${row[order.by] as number}:${row.id as number}`).toString("base64url");
}

function decodeCursor(orderName: string, order: ListOrder, cursor: string | undefined): ListKey | null {
  if (cursor === undefined) return null;
  if (order.by === "id") {
    const id = decodeIdCursor(cursor);
    return id === null ? null : { value: id, id };
  }
  const [name, value, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  const key = { value: Number(value), id: Number(id) };
  if (name !== orderName || rest.length > 0 || !isKeyPart(value, key.value) || !isKeyPart(id, key.id) || key.id <= 0) {
    throw badInput(
      `Invalid cursor for orderBy ${orderName}: ${JSON.stringify(cursor)} (cursors belong to the order they came from)`,
    );
  }
  return key;
}

const isKeyPart = (text: string | undefined, value: number) =>
  text !== undefined && /^\d{1,10}$/.test(text) && Number.isSafeInteger(value) && value <= 2147483647;

/**
 * A Relay connection over a model's rows in a declared order, keyset-paged (data/ordered-lists.ts):
 * one statement per page. Page sizes and page info as @pothos/plugin-relay's.
 */
export async function resolveOrderedConnection<Row extends { id: number }, Name extends string>(
  model: string,
  orders: Record<Name, OrderDeclaration>,
  orderName: Name,
  args: ConnectionArgs,
  context: Context,
  info: GraphQLResolveInfo,
  filter: PostFilter = {},
) {
  const order = orders[orderName];
  const page = parsePage(args);
  const rows = await loadOrderedPage<Row>(
    context.sql,
    model,
    order,
    {
      limit: page.limit,
      inverted: page.inverted,
      after: decodeCursor(orderName, order, page.after),
      before: decodeCursor(orderName, order, page.before),
    },
    filter,
    // The rows are read whole; the edges their selection shows only columns of are joined (joinsOne).
    rowShapeSelected(info, CONNECTION_NODES)?.joins,
  );
  return connectionOfRows(rows, page, args, (row) => encodeCursor(orderName, order, row));
}
