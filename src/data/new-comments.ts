import type { Comment } from "./generated/prisma/client.ts";
import type { Sql } from "./sql.ts";

/** What `commentAdded` reads at once: more waits for the next read. */
export const NEW_COMMENTS_BATCH = 100;

/** The post's newest comment id (0 without comments), or undefined when the post does not exist. */
export async function newestCommentId(sql: Sql, postId: number): Promise<number | undefined> {
  const text = sql.text("newestCommentId", () => {
    const posts = sql.columns("Post");
    const comments = sql.columns("Comment");
    return `SELECT (SELECT max(c."${comments.column("id")}") FROM "${comments.table}" c
                    WHERE c."${comments.column("postId")}" = p."${posts.column("id")}") AS "newest"
            FROM "${posts.table}" p WHERE p."${posts.column("id")}" = $1`;
  });
  const rows = await sql.rows<{ newest: number | null }>(text, [postId]);
  return rows.length === 0 ? undefined : (rows[0]?.newest ?? 0);
}

/**
 * The post's comments with an id above `afterId` or among `ids`, in id order, at most
 * NEW_COMMENTS_BATCH; null when the post does not exist (any more). One statement.
 */
export async function commentsAfter(
  sql: Sql,
  postId: number,
  afterId: number,
  ids: readonly number[],
): Promise<Comment[] | null> {
  const text = sql.text("commentsAfter", () => {
    const posts = sql.columns("Post");
    const comments = sql.columns("Comment");
    const id = `"${comments.column("id")}"`;
    return `SELECT p."${posts.column("id")}" AS "postFound", c.* FROM "${posts.table}" p
            LEFT JOIN LATERAL (
              SELECT ${comments.selectList} FROM "${comments.table}"
              WHERE "${comments.column("postId")}" = p."${posts.column("id")}" AND (${id} > $2 OR ${id} = ANY($3::int[]))
              ORDER BY ${id} LIMIT ${NEW_COMMENTS_BATCH}
            ) c ON true
            WHERE p."${posts.column("id")}" = $1
            ORDER BY c."id"`;
  });
  const rows = await sql.rows<Comment & { postFound: number }>(text, [postId, afterId, ids]);
  if (rows.length === 0) return null;
  return rows.filter((row) => row.id !== null).map(({ postFound: _, ...comment }) => comment);
}
