import type DataLoader from "dataloader";
import { modelColumns, type Sql, splitPrefixed } from "./data/sql.ts";
import type { Comment, Post, Tag, User } from "./generated/prisma/client.ts";
import { createTracedLoader } from "./observability/tracing.ts";

/**
 * Per-request DataLoaders for what Prisma cannot fold into one bounded statement:
 * counts, per-parent pages of children, and viewer-dependent fields. One statement per
 * field (and per distinct page arguments) per request, whatever the number of parents.
 * Built once per request, so one request's cache never serves another; each loader is
 * created when first used. The SQL goes to the pool directly (data/sql.ts).
 */

/** A count of child rows per parent id: `SELECT fk, count(*) ... WHERE fk = ANY(ids) GROUP BY fk`. */
interface CountSpec {
  table: string;
  foreignKey: string;
}

export const COUNTS = {
  postsByAuthor: { table: "posts", foreignKey: "author_id" },
  commentsByPost: { table: "comments", foreignKey: "post_id" },
  likesByPost: { table: "likes", foreignKey: "post_id" },
  followersByUser: { table: "follows", foreignKey: "followee_id" },
  followingByUser: { table: "follows", foreignKey: "follower_id" },
  postsByTag: { table: "_PostToTag", foreignKey: "B" },
} as const satisfies Record<string, CountSpec>;

/**
 * The first rows of each parent's children, in id order, with a LATERAL join per parent:
 * the index on (foreign key, id) reads `limit` rows per parent, so a parent with 10,000
 * children costs the same as one with 10. (Prisma's nested `take` reads every child of
 * every parent and slices in memory; its `join` strategy builds JSON for every child.)
 */
export interface PageSpec<Row> {
  table: string;
  foreignKey: string;
  /** Field name of the foreign key in the returned rows. */
  parentField: keyof Row & string;
  /** SELECT list in Prisma's field names, for rows of the model's shape. */
  columns: string;
  newestFirst: boolean;
}

export const PAGES: { postsByAuthor: PageSpec<Post>; commentsByPost: PageSpec<Comment> } = {
  postsByAuthor: {
    table: "posts",
    foreignKey: "author_id",
    parentField: "authorId",
    columns: `id, author_id AS "authorId", title, body, created_at AS "createdAt", updated_at AS "updatedAt"`,
    newestFirst: true,
  },
  commentsByPost: {
    table: "comments",
    foreignKey: "post_id",
    parentField: "postId",
    columns: `id, post_id AS "postId", author_id AS "authorId", body, created_at AS "createdAt"`,
    newestFirst: false,
  },
};

/** Which slice of each parent's children: what resolveCursorConnection asks for, cursors decoded to ids. */
export interface PageWindow {
  limit: number;
  afterId: number | null;
  beforeId: number | null;
  /** `last`/`before` paging: read from the other end; the caller reverses. */
  inverted: boolean;
}

export interface Loaders {
  /** Rows by primary key: the authors of a page of posts or comments in one statement. */
  userById: DataLoader<number, User | null>;
  postById: DataLoader<number, Post | null>;
  /** Post id -> its tags, by slug. */
  tagsByPost: DataLoader<number, Tag[]>;
  count(spec: CountSpec): DataLoader<number, number>;
  page<Row>(spec: PageSpec<Row>, window: PageWindow): DataLoader<number, Row[]>;
  /** Post id -> whether the viewer likes it (false for anonymous requests, with no SQL). */
  viewerLikes: DataLoader<number, boolean>;
}

const USER_COLUMNS = modelColumns("User");
// A post is read with its author (a primary-key join): the author a page shows beside the post
// is then in userById's cache, one statement instead of two.
const POSTS_WITH_AUTHOR = `SELECT ${modelColumns("Post", "p")}, ${modelColumns("User", "u", "author.")}
  FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ANY($1::int[])`;

export function createLoaders(sql: Sql, viewerId: number | null): Loaders {
  const memo = new Map<string, DataLoader<number, unknown>>();
  const memoized = <V>(key: string, create: () => DataLoader<number, V>): DataLoader<number, V> => {
    let loader = memo.get(key);
    if (!loader) {
      loader = create() as DataLoader<number, unknown>;
      memo.set(key, loader);
    }
    return loader as DataLoader<number, V>;
  };

  const loaders: Loaders = {
    get userById() {
      return memoized("userById", () =>
        createTracedLoader("userById", async (ids: readonly number[]) =>
          byId(ids, await sql.rows<User>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::int[])`, [ids])),
        ),
      );
    },
    get postById() {
      return memoized("postById", () =>
        createTracedLoader("postById", async (ids: readonly number[]) => {
          const rows = await sql.rows<Record<string, unknown>>(POSTS_WITH_AUTHOR, [ids]);
          const posts = rows.map((row) => {
            const [post, author] = splitPrefixed<Post, User>(row, "author.");
            loaders.userById.prime(author.id, author);
            return post;
          });
          return byId(ids, posts);
        }),
      );
    },
    get tagsByPost() {
      return memoized("tagsByPost", () =>
        createTracedLoader("tagsByPost", (ids: readonly number[]) => loadTagsByPost(sql, ids)),
      );
    },
    count: (spec) =>
      memoized(`count:${spec.table}.${spec.foreignKey}`, () =>
        createTracedLoader(`count ${spec.table}.${spec.foreignKey}`, (ids: readonly number[]) =>
          loadCounts(sql, spec, ids),
        ),
      ),
    page: (spec, window) =>
      memoized(`page:${spec.table}.${spec.foreignKey}:${JSON.stringify(window)}`, () =>
        createTracedLoader(`page ${spec.table}.${spec.foreignKey}`, (ids: readonly number[]) =>
          loadPages(sql, spec, window, ids),
        ),
      ),
    get viewerLikes() {
      return memoized("viewerLikes", () =>
        createTracedLoader("viewerLikes", async (postIds: readonly number[]) => {
          if (viewerId === null) return postIds.map(() => false);
          const likes = await sql.rows<{ postId: number }>(
            `SELECT post_id AS "postId" FROM likes WHERE user_id = $1 AND post_id = ANY($2::int[])`,
            [viewerId, postIds],
          );
          const liked = new Set(likes.map((like) => like.postId));
          return postIds.map((id) => liked.has(id));
        }),
      );
    },
  };
  return loaders;
}

async function loadCounts(sql: Sql, spec: CountSpec, ids: readonly number[]): Promise<number[]> {
  const rows = await sql.rows<{ id: number; n: number }>(
    `SELECT "${spec.foreignKey}" AS id, count(*)::int AS n FROM "${spec.table}" WHERE "${spec.foreignKey}" = ANY($1::int[]) GROUP BY 1`,
    [ids],
  );
  const counts = new Map(rows.map((row) => [row.id, row.n]));
  return ids.map((id) => counts.get(id) ?? 0);
}

async function loadPages<Row>(
  sql: Sql,
  spec: PageSpec<Row>,
  window: PageWindow,
  ids: readonly number[],
): Promise<Row[][]> {
  // Reading forwards means descending ids for newest-first lists; `inverted` reads from the other end.
  const descending = spec.newestFirst !== window.inverted;
  const afterOp = spec.newestFirst ? "<" : ">";
  const beforeOp = spec.newestFirst ? ">" : "<";
  const rows = await sql.rows<Row>(
    `SELECT child.* FROM unnest($1::int[]) AS parent(id)
     CROSS JOIN LATERAL (
       SELECT ${spec.columns} FROM "${spec.table}"
       WHERE "${spec.foreignKey}" = parent.id
         AND ($2::int IS NULL OR id ${afterOp} $2::int)
         AND ($3::int IS NULL OR id ${beforeOp} $3::int)
       ORDER BY id ${descending ? "DESC" : "ASC"}
       LIMIT $4::int
     ) AS child`,
    [ids, window.afterId, window.beforeId, window.limit],
  );
  const byParent = new Map<number, Row[]>(ids.map((id) => [id, []]));
  for (const row of rows) byParent.get(row[spec.parentField] as number)?.push(row);
  return ids.map((id) => byParent.get(id) ?? []);
}

function byId<Row extends { id: number }>(ids: readonly number[], rows: Row[]): (Row | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

async function loadTagsByPost(sql: Sql, postIds: readonly number[]): Promise<Tag[][]> {
  const rows = await sql.rows<Tag & { postId: number }>(
    `SELECT pt."A" AS "postId", t.id, t.slug, t.name FROM "_PostToTag" pt JOIN "tags" t ON t.id = pt."B"
     WHERE pt."A" = ANY($1::int[]) ORDER BY t.slug`,
    [postIds],
  );
  const byPost = new Map<number, Tag[]>(postIds.map((id) => [id, []]));
  for (const { postId, ...tag } of rows) byPost.get(postId)?.push(tag);
  return postIds.map((id) => byPost.get(id) ?? []);
}
