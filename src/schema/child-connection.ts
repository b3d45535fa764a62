import { parseCursorConnectionArgs } from "@pothos/core";
import { type builder, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./builder.ts";
import type { Context } from "./context.ts";
import { badInput } from "../errors.ts";
import { requestedPageSize } from "./page-size.ts";
import type { PageSpec, RowShape } from "../data/loaders.ts";
import type { GraphQLResolveInfo } from "graphql";
import { CONNECTION_NODES, rowShapeSelected, selectsNoPage } from "./narrow-rows.ts";

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const PREFIX = "id:";

export function encodeIdCursor(id: number): string {
  return Buffer.from(`${PREFIX}${id}`).toString("base64url");
}

export function decodeIdCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = Number(decoded.slice(PREFIX.length));
  if (!decoded.startsWith(PREFIX) || !Number.isSafeInteger(id) || id <= 0) {
    throw badInput(`Invalid cursor: ${JSON.stringify(cursor)}`);
  }
  return id;
}

/** An edge whose cursor is encoded only if the operation selects it (most select only the node). */
class LazyCursorEdge<Row> {
  readonly node: Row;
  readonly #encode: (row: Row) => string;
  constructor(node: Row, encode: (row: Row) => string) {
    this.node = node;
    this.#encode = encode;
  }
  get cursor(): string {
    return this.#encode(this.node);
  }
}

export type ParsedPage = ReturnType<typeof parseCursorConnectionArgs>;

/** The page arguments parsed as @pothos/plugin-relay does, a page size out of range refused (BAD_USER_INPUT). */
export function parsePage(args: ConnectionArgs): ParsedPage {
  const sizes = { defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE };
  requestedPageSize(args, sizes); // the cost check refused it already; a caller without one gets the same answer
  return parseCursorConnectionArgs({ args, ...sizes });
}

/** The connection of a page's rows (read `page.limit` at most, from the far end when inverted). */
export function connectionOfRows<Row>(
  rows: Row[],
  page: ParsedPage,
  args: ConnectionArgs,
  encode: (row: Row) => string,
) {
  const trimmed = rows.slice(0, page.expectedSize);
  if (page.inverted) trimmed.reverse();
  const edges = trimmed.map((row) => new LazyCursorEdge(row, encode));
  return {
    edges,
    pageInfo: new LazyPageInfo(
      edges,
      args.after ?? args.before ?? "",
      page.hasPreviousPage(rows.length),
      page.hasNextPage(rows.length),
    ),
  };
}

/** A page's info, its cursors encoded only if read (one is made per parent shown: 100 on a nested page). */
class LazyPageInfo<Row> {
  readonly #edges: readonly LazyCursorEdge<Row>[];
  readonly #emptyCursor: string;
  readonly hasPreviousPage: boolean;
  readonly hasNextPage: boolean;
  constructor(
    edges: readonly LazyCursorEdge<Row>[],
    emptyCursor: string,
    hasPreviousPage: boolean,
    hasNextPage: boolean,
  ) {
    this.#edges = edges;
    this.#emptyCursor = emptyCursor;
    this.hasPreviousPage = hasPreviousPage;
    this.hasNextPage = hasNextPage;
  }
  get startCursor(): string {
    return this.#edges[0]?.cursor ?? this.#emptyCursor;
  }
  get endCursor(): string {
    return this.#edges.at(-1)?.cursor ?? this.#emptyCursor;
  }
}

const encodeRowCursor = (row: { id: number }) => encodeIdCursor(row.id);

/** A row as an edge of its parent's child connection (the edge a mutation's payload hands a client to insert). */
export const childEdge = <Row extends { id: number }>(row: Row) => new LazyCursorEdge(row, encodeRowCursor);

/**
 * A Relay connection over one parent's children, loaded with every sibling parent's in one
 * batched statement (see `PAGES` in loaders.ts). Same page sizes and page info as
 * @pothos/plugin-relay's resolveCursorConnection, whose arguments parser it shares; cursors are
 * encoded when read.
 */
export async function resolveChildConnection<Row extends { id: number }>(
  spec: PageSpec<Row>,
  parentId: number,
  args: ConnectionArgs,
  context: Context,
  /** What the rows must hold (schema/narrow-rows.ts), or null for whole rows. */
  shape: RowShape | null = null,
) {
  const page = parsePage(args);
  const rows = await context.loaders
    .page(
      spec,
      {
        limit: page.limit,
        inverted: page.inverted,
        afterId: decodeIdCursor(page.after),
        beforeId: decodeIdCursor(page.before),
      },
      shape,
    )
    .load(parentId);
  return connectionOfRows(rows, page, args, encodeRowCursor);
}

/**
 * A child connection with its `totalCount` (a counter column of the parent): a selection of the
 * count alone reads no page.
 */
export async function resolveCountedChildConnection<Row extends { id: number }>(
  spec: PageSpec<Row>,
  parent: { id: number; count: number },
  args: ConnectionArgs,
  context: Context,
  info: GraphQLResolveInfo,
) {
  if (selectsNoPage(info))
    return { ...connectionOfRows<Row>([], parsePage(args), args, encodeRowCursor), totalCount: parent.count };
  const { edges, pageInfo } = await resolveChildConnection(
    spec,
    parent.id,
    args,
    context,
    rowShapeSelected(info, CONNECTION_NODES),
  );
  return { edges, pageInfo, totalCount: parent.count };
}

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

/**
 * `totalCount` for a connection whose resolver returns it beside the page (a counter column of the
 * parent, kept by triggers): offered only where it costs no count.
 */
export const totalCountField =
  (description: string) => (t: PothosSchemaTypes.ObjectFieldBuilder<BuilderTypes, object>) => ({
    totalCount: t.int({ description, resolve: (connection) => (connection as { totalCount: number }).totalCount }),
  });
