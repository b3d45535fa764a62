import { withPrismaErrors } from "./database-errors.ts";
import type { Sql } from "./sql.ts";
import { recordWrite } from "./write-log.ts";

/**
 * Likes, the hottest write, as one prepared statement on the pool rather than through Prisma
 * (whose query compiler and client were most of a like's CPU). The write log records what the
 * statement changed exactly as it would for Prisma's createMany / deleteMany of the same rows.
 */

// Each statement locks the post's row before it touches a like (the counter trigger updates the post
// after the like changes). A post's deletion locks the post, then deletes its likes; a like or unlike
// that took the like first and then waited on the post deadlocked with it. Locked first, the post's
// row orders the two: the like waits, then finds the post gone and changes nothing.
const likeText = (sql: Sql) =>
  sql.text("like", () => {
    const likes = sql.columns("Like");
    const posts = sql.columns("Post");
    return `WITH post AS (SELECT id FROM "${posts.table}" WHERE id = $2 FOR NO KEY UPDATE)
  INSERT INTO "${likes.table}" ("${likes.column("userId")}", "${likes.column("postId")}") SELECT $1, id FROM post
  ON CONFLICT DO NOTHING RETURNING 1 AS liked`;
  });

const unlikeText = (sql: Sql) =>
  sql.text("unlike", () => {
    const likes = sql.columns("Like");
    const posts = sql.columns("Post");
    return `WITH post AS (SELECT id FROM "${posts.table}" WHERE id = $2 FOR NO KEY UPDATE)
  DELETE FROM "${likes.table}" WHERE "${likes.column("userId")}" = $1 AND "${likes.column("postId")}" = (SELECT id FROM post)
  RETURNING 1 AS unliked`;
  });

/** Likes the post as the user; liking twice keeps one like. NOT_FOUND if the post is gone, UNAUTHENTICATED if the user is. */
export async function likePost(sql: Sql, userId: number, postId: number): Promise<void> {
  const rows = await withPrismaErrors("Post", () => sql.rows(likeText(sql), [userId, postId]), {
    viewerReferences: ["likes_user_id_fkey"],
  });
  recordWrite("Like", "createMany", { data: [{ userId, postId }] }, { count: rows.length });
}

/** Removes the user's like of the post, if there is one (no like: nothing changes, nothing is invalidated). */
export async function unlikePost(sql: Sql, userId: number, postId: number): Promise<void> {
  const rows = await sql.rows(unlikeText(sql), [userId, postId]);
  recordWrite("Like", "deleteMany", { where: { userId, postId } }, { count: rows.length });
}
