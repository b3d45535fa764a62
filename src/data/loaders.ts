import type DataLoader from "dataloader";
import { intArray, type Sql, splitPrefixed } from "./sql.ts";
import type { Post, Tag, User } from "./generated/prisma/client.ts";
import { createTracedLoader } from "../observability/tracing.ts";
import { attachJoined, type JoinedEdge, joinedSql, joinsKey } from "./joined-edges.ts";

/**
 * Per-request DataLoaders for what Prisma cannot fold into one bounded statement:
 * per-parent pages of children, tags, and viewer-dependent fields. (Counts are columns kept
 * by triggers: see prisma/migrations/20261125033611_counters.) One statement per
 * field (and per distinct page arguments) per request, whatever the number of parents.
 * Built once per request, so one request's cache never serves another; each loader is
 * created when first used. The SQL goes to the pool directly (data/sql.ts).
 */

/**
 * The first rows of each parent's children, in id order, with a LATERAL join per parent:
 * the index on (foreign key, id) reads `limit` rows per parent, so a parent with 10,000
 * children costs the same as one with 10. (Prisma's nested `take` reads every child of
 * every parent and slices in memory; its `join` strategy builds JSON for every child.)
 */
export interface PageSpec<Row> {
  /** The Prisma model of the children: its table and columns come from the data model. */
  model: string;
  /** Field name of the foreign key to the parent. */
  parentField: keyof Row & string;
  newestFirst: boolean;
}

/** Which slice of each parent's children: what resolveCursorConnection asks for, cursors decoded to ids. */
export interface PageWindow {
  limit: number;
  afterId: number | null;
  beforeId: number | null;
  /** `last`/`before` paging: read from the other end; the caller reverses. */
  inverted: boolean;
}

const sameWindow = (a: PageWindow, b: PageWindow) =>
  a.limit === b.limit && a.inverted === b.inverted && a.afterId === b.afterId && a.beforeId === b.beforeId;

/** What rows must hold: their fields (with id), and the edges to read with them. */
export interface RowShape {
  fields: readonly string[];
  joins: readonly JoinedEdge[];
}

export interface Loaders {
  /** Rows by primary key: the authors of a page of posts or comments in one statement. */
  userById: DataLoader<number, User | null>;
  /**
   * Users by primary key with only `fields` read (id always): for a selection that needs no more.
   * The rows are partial: only resolvers of those fields may read them (see schema/narrow-rows.ts).
   */
  usersWithFields(fields: readonly string[]): DataLoader<number, User | null>;
  postById: DataLoader<number, Post | null>;
  /** A post and its author read by a write's own statement: later loads of either read no more. */
  rememberPost(post: Post, author: User): void;
  /** Post id -> its tags, by slug. */
  tagsByPost: DataLoader<number, Tag[]>;
  /**
   * `shape`: read only its fields (with id and the parent key), and its edges joined; the rows are
   * then partial, for resolvers that read no more (schema/narrow-rows.ts). Null or absent: whole rows.
   */
  page<Row>(spec: PageSpec<Row>, window: PageWindow, shape?: RowShape | null): DataLoader<number, Row[]>;
  /** Post id -> whether the viewer likes it (false for anonymous requests, with no SQL). */
  viewerLikes: DataLoader<number, boolean>;
}

const usersById = (sql: Sql) =>
  sql.text("usersById", () => {
    const users = sql.columns("User");
    return `SELECT ${users.selectList} FROM "${users.table}" WHERE id = ANY($1::int[])`;
  });

// A post is read with its author (a primary-key join): the author a page shows beside the post
// is then in userById's cache, one statement instead of two.
const postsWithAuthorById = (sql: Sql) =>
  sql.text("postsWithAuthorById", () => {
    const posts = sql.columns("Post");
    const users = sql.columns("User");
    return `SELECT ${posts.selectAs("p")}, ${users.selectAs("u", "author.")}
  FROM "${posts.table}" p JOIN "${users.table}" u ON u.id = p."${posts.column("authorId")}" WHERE p.id = ANY($1::int[])`;
  });

export function createLoaders(sql: Sql, viewerId: number | null): Loaders {
  return new RequestLoaders(sql, viewerId);
}

// A class, its maps made on first use: one is built for every request, and most requests use one or two loaders.
class RequestLoaders implements Loaders {
  readonly #sql: Sql;
  readonly #viewerId: number | null;
  #memo: Map<string, DataLoader<number, unknown>> | undefined;
  /** Whole user rows this request has read: they answer narrower reads too. */
  #wholeUsers: Map<number, User> | undefined;
  #usersByFields: WeakMap<readonly string[], DataLoader<number, User | null>> | undefined;
  #lastPage:
    { spec: object; shape: RowShape | null; window: PageWindow; loader: DataLoader<number, unknown> } | undefined;

  constructor(sql: Sql, viewerId: number | null) {
    this.#sql = sql;
    this.#viewerId = viewerId;
  }

  #memoized<V>(key: string, create: () => DataLoader<number, V>): DataLoader<number, V> {
    const memo = (this.#memo ??= new Map());
    let loader = memo.get(key);
    if (!loader) {
      loader = create() as DataLoader<number, unknown>;
      memo.set(key, loader);
    }
    return loader as DataLoader<number, V>;
  }

  get #whole(): Map<number, User> {
    return (this.#wholeUsers ??= new Map());
  }

  get userById(): DataLoader<number, User | null> {
    return this.#memoized("userById", () =>
      createTracedLoader("userById", async (ids: readonly number[]) => {
        const rows = await this.#sql.rows<User>(usersById(this.#sql), [intArray(ids)]);
        for (const row of rows) this.#whole.set(row.id, row);
        return byId(ids, rows);
      }),
    );
  }

  usersWithFields(fields: readonly string[]): DataLoader<number, User | null> {
    // Called once per row shown (500 authors on a page): the same `fields` array comes back each time.
    const byFields = (this.#usersByFields ??= new WeakMap());
    let loader = byFields.get(fields);
    if (loader) return loader;
    const narrow = narrowColumns(fields, "usersWithFields");
    if (!narrow) {
      byFields.set(fields, this.userById);
      return this.userById;
    }
    const { key, columns } = narrow;
    loader = this.#memoized(key, () =>
      createTracedLoader("usersWithFields", async (ids: readonly number[]) => {
        const whole = this.#whole;
        const missing = ids.filter((id) => !whole.has(id));
        const text = this.#sql.text(key, () => {
          const users = this.#sql.columns("User");
          return `SELECT ${users.selectFields(columns)} FROM "${users.table}" WHERE id = ANY($1::int[])`;
        });
        const rows = missing.length > 0 ? await this.#sql.rows<User>(text, [intArray(missing)]) : [];
        const read = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => whole.get(id) ?? read.get(id) ?? null);
      }),
    );
    byFields.set(fields, loader);
    return loader;
  }

  get postById(): DataLoader<number, Post | null> {
    return this.#memoized("postById", () =>
      createTracedLoader("postById", async (ids: readonly number[]) => {
        const rows = await this.#sql.rows<Record<string, unknown>>(postsWithAuthorById(this.#sql), [intArray(ids)]);
        const posts = rows.map((row) => {
          const [post, author] = splitPrefixed<Post, User>(row, "author.");
          this.#rememberAuthor(author);
          return post;
        });
        return byId(ids, posts);
      }),
    );
  }

  rememberPost(post: Post, author: User): void {
    this.#rememberAuthor(author);
    this.postById.clear(post.id).prime(post.id, post);
  }

  #rememberAuthor(author: User): void {
    this.#whole.set(author.id, author);
    this.userById.clear(author.id).prime(author.id, author);
  }

  get tagsByPost(): DataLoader<number, Tag[]> {
    return this.#memoized("tagsByPost", () =>
      createTracedLoader("tagsByPost", (ids: readonly number[]) => loadTagsByPost(this.#sql, ids)),
    );
  }

  page<Row>(spec: PageSpec<Row>, window: PageWindow, shape: RowShape | null = null): DataLoader<number, Row[]> {
    // Asked once per parent shown (100 posts' comments), nearly always as the previous call asked.
    const last = this.#lastPage;
    if (last?.spec === spec && last.shape === shape && sameWindow(last.window, window))
      return last.loader as DataLoader<number, Row[]>;
    const loader = this.#pageLoader(spec, window, shape);
    this.#lastPage = { spec, shape, window, loader };
    return loader;
  }

  #pageLoader<Row>(spec: PageSpec<Row>, window: PageWindow, shape: RowShape | null): DataLoader<number, Row[]> {
    const page = `page:${spec.model}.${spec.parentField}`;
    const narrow = shape ? narrowColumns(shape.fields, page, spec.parentField, shape.joins) : null;
    const { limit, inverted, afterId, beforeId } = window;
    return this.#memoized(`${narrow?.key ?? page}:${limit}:${inverted}:${afterId}:${beforeId}`, () =>
      createTracedLoader(`page ${spec.model}.${spec.parentField}`, (ids: readonly number[]) =>
        loadPages(this.#sql, spec, window, ids, narrow),
      ),
    );
  }

  get viewerLikes(): DataLoader<number, boolean> {
    const viewerId = this.#viewerId;
    return this.#memoized("viewerLikes", () =>
      createTracedLoader("viewerLikes", async (postIds: readonly number[]) => {
        if (viewerId === null) return postIds.map(() => false);
        const likes = await this.#sql.rows<{ postId: number }>(
          `SELECT post_id AS "postId" FROM likes WHERE user_id = $1 AND post_id = ANY($2::int[])`,
          [viewerId, intArray(postIds)],
        );
        const liked = new Set(likes.map((like) => like.postId));
        return postIds.map((id) => liked.has(id));
      }),
    );
  }
}

/**
 * Each narrow column list is its own prepared statement on every pool connection: past this many
 * distinct lists (clients choose them by what they select), reads take whole rows instead.
 */
const MAX_NARROW_SHAPES = 64;
const narrowShapes = new Set<string>();

function admitNarrowShape(key: string): boolean {
  if (narrowShapes.has(key)) return true;
  if (narrowShapes.size >= MAX_NARROW_SHAPES) return false;
  narrowShapes.add(key);
  return true;
}

/** A narrow column list: its key (for loaders and statement texts), its columns, sorted, and its joined edges. */
interface NarrowColumns {
  key: string;
  columns: readonly string[];
  joins: readonly JoinedEdge[];
}

// Per selection's field list (the same array per document position) and per read: the columns
// (with id, and the parent key of a page), or null for whole rows once the cap is reached.
// Decided once per list and read, as admission never changes.
const narrowLists = new WeakMap<readonly string[], Map<string, NarrowColumns | null>>();

function narrowColumns(
  fields: readonly string[],
  read: string,
  parentField?: string,
  joins: readonly JoinedEdge[] = [],
): NarrowColumns | null {
  let byRead = narrowLists.get(fields);
  if (!byRead) narrowLists.set(fields, (byRead = new Map()));
  // The same fields may come with different joins (one selection shows the author, another its id).
  const joined = joinsKey(joins);
  const readKey = joined ? `${read}+${joined}` : read;
  let narrow = byRead.get(readKey);
  if (narrow === undefined) {
    const columns = [...new Set(["id", ...(parentField ? [parentField] : []), ...fields])].sort();
    const key = `${readKey}:${columns.join(",")}`;
    narrow = admitNarrowShape(key) ? { key, columns, joins } : null;
    byRead.set(readKey, narrow);
  }
  return narrow;
}

async function loadPages<Row>(
  sql: Sql,
  spec: PageSpec<Row>,
  window: PageWindow,
  ids: readonly number[],
  narrow: NarrowColumns | null,
): Promise<Row[][]> {
  // Reading forwards means descending ids for newest-first lists; `inverted` reads from the other end.
  const descending = spec.newestFirst !== window.inverted;
  const joins = narrow?.joins ?? [];
  const text = sql.text(
    `page:${spec.model}.${spec.parentField}:${spec.newestFirst}:${descending}:${narrow?.key}`,
    () => {
      const afterOp = spec.newestFirst ? "<" : ">";
      const beforeOp = spec.newestFirst ? ">" : "<";
      // A missing cursor is the far end of the id range, not `$2 IS NULL OR ...`: both bounds stay index
      // conditions on (foreign key, id), so a generic plan walks the index from the cursor and stops at
      // the limit, even under a post with 10,000 comments or deep in its pages.
      const bound = (op: string) => (op === "<" ? "2147483647" : "0");
      const model = sql.columns(spec.model);
      // Each joined edge is a primary-key lookup per row, inside the LATERAL: after its ORDER BY and LIMIT.
      const joined = joinedSql(sql, spec.model, "c", joins);
      return `SELECT child.* FROM unnest($1::int[]) AS parent(id)
     CROSS JOIN LATERAL (
       SELECT ${narrow ? model.selectFields(narrow.columns, "c") : model.selectAs("c")}${joined.select}
       FROM "${model.table}" c${joined.from}
       WHERE c."${model.column(spec.parentField)}" = parent.id
         AND c.id ${afterOp} COALESCE($2::int, ${bound(afterOp)})
         AND c.id ${beforeOp} COALESCE($3::int, ${bound(beforeOp)})
       ORDER BY c.id ${descending ? "DESC" : "ASC"}
       LIMIT $4::int
     ) AS child`;
    },
  );
  const rows = await sql.rows<Row>(text, [intArray(ids), window.afterId, window.beforeId, window.limit]);
  const byParent = new Map<number, Row[]>(ids.map((id) => [id, []]));
  for (const row of rows) {
    attachJoined(row as object, joins);
    byParent.get(row[spec.parentField] as number)?.push(row);
  }
  return ids.map((id) => byParent.get(id) ?? []);
}

function byId<Row extends { id: number }>(ids: readonly number[], rows: Row[]): (Row | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

async function loadTagsByPost(sql: Sql, postIds: readonly number[]): Promise<Tag[][]> {
  // The links are read first (the (A, B) primary key: 2 entries per post) and sorted after the join.
  // With the ORDER BY beside the join, the planner may walk the tags in slug order and read every
  // link of each tag, filtering by post: rows read grow with the table, not with the page.
  const rows = await sql.rows<Tag & { postId: number }>(
    `WITH links AS MATERIALIZED (SELECT "A", "B" FROM "_PostToTag" WHERE "A" = ANY($1::int[]))
     SELECT links."A" AS "postId", t.id, t.slug, t.name, t.post_count AS "postCount"
     FROM links JOIN "tags" t ON t.id = links."B"
     ORDER BY t.slug`,
    [intArray(postIds)],
  );
  const byPost = new Map<number, Tag[]>(postIds.map((id) => [id, []]));
  // A literal per tag, not a rest copy of the row (the generic copy costs more than the 4 stores).
  for (const row of rows)
    byPost.get(row.postId)?.push({ id: row.id, slug: row.slug, name: row.name, postCount: row.postCount });
  return postIds.map((id) => byPost.get(id) ?? []);
}
