import { resolveCursorConnection } from "@pothos/plugin-relay";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../builder.ts";
import type { Context } from "../context.ts";
import { badInput } from "../errors.ts";
import type { PageSpec } from "../loaders.ts";

interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const PREFIX = "id:";

export function encodeIdCursor(id: number): string {
  return Buffer.from(`${PREFIX}${id}`).toString("base64url");
}

function decodeIdCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = Number(decoded.slice(PREFIX.length));
  if (!decoded.startsWith(PREFIX) || !Number.isSafeInteger(id) || id <= 0) {
    throw badInput(`Invalid cursor: ${JSON.stringify(cursor)}`);
  }
  return id;
}

/**
 * A Relay connection over one parent's children, loaded with every sibling parent's in one
 * batched statement (see `PAGES` in loaders.ts). Same page sizes as the folded connections.
 */
export function resolveChildConnection<Row extends { id: number }>(
  spec: PageSpec<Row>,
  parentId: number,
  args: ConnectionArgs,
  context: Context,
) {
  return resolveCursorConnection<Promise<Row[]>>(
    { args, toCursor: (row: Row) => encodeIdCursor(row.id), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    ({ after, before, limit, inverted }): Promise<Row[]> =>
      context.loaders
        .page(spec, { limit, inverted, afterId: decodeIdCursor(after), beforeId: decodeIdCursor(before) })
        .load(parentId),
  );
}
