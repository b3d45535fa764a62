import { withPrismaErrors } from "./database-errors.ts";
import type { Post, User } from "./generated/prisma/client.ts";
import { type Sql, splitPrefixed } from "./sql.ts";
import { recordWrite } from "./write-log.ts";

/**
 * Likes, the hottest write, as one prepared statement on the pool rather than through Prisma
 * (whose query compiler and client were most of a like's CPU). The same statement answers with
 * the post and its author as they are after the write, so the payload needs no second read. The
 * write log records what the statement changed exactly as it would for Prisma's createMany /
 * deleteMany of the same rows.
 */

/** The post after a like or unlike, with its author: what the payload shows. */
export interface LikedPost {
  post: Post;
  author: User;
}

// Each statement locks the post's row before it touches a like (the counter trigger updates the post
// after the like changes). A post's deletion locks the post, then deletes its likes; a like or unlike
// that took the like first and then waited on the post deadlocked with it. Locked first, the post's
// row orders the two: the like waits, then finds the post gone and changes nothing.
//
// The row read under that lock is the post before this statement's trigger adds the change to
// `like_count`; no other writer can change the count until the transaction ends (every change takes
// the same row lock), so the count after the write is the one read plus this statement's change.
const likeChange = (sql: Sql, name: string, change: (likes: string) => string) =>
  sql.text(name, () => {
    const posts = sql.columns("Post");
    const users = sql.columns("User");
    return `WITH post AS (SELECT * FROM "${posts.table}" WHERE id = $2 FOR NO KEY UPDATE),
  changed AS (${change(`"${sql.columns("Like").table}"`)})
SELECT ${posts.selectAs("post")}, ${users.selectAs("u", "author.")}, (SELECT count(*)::int FROM changed) AS "likesChanged"
  FROM post JOIN "${users.table}" u ON u.id = post."${posts.column("authorId")}"`;
  });

const likeText = (sql: Sql) =>
  likeChange(sql, "like", (likes) => {
    const like = sql.columns("Like");
    return `INSERT INTO ${likes} ("${like.column("userId")}", "${like.column("postId")}") SELECT $1, id FROM post
    ON CONFLICT DO NOTHING RETURNING 1`;
  });

const unlikeText = (sql: Sql) =>
  likeChange(sql, "unlike", (likes) => {
    const like = sql.columns("Like");
    return `DELETE FROM ${likes} WHERE "${like.column("userId")}" = $1 AND "${like.column("postId")}" = (SELECT id FROM post)
    RETURNING 1`;
  });

type ChangeRow = Record<string, unknown> & { likesChanged: number };

/** The post and author of the statement's row (none: the post is gone), the count moved by `direction` per like changed. */
function likedPost(rows: ChangeRow[], direction: 1 | -1): LikedPost | null {
  const row = rows[0];
  if (!row) return null;
  const { likesChanged, ...joined } = row;
  const [post, author] = splitPrefixed<Post, User>(joined, "author.");
  post.likeCount += direction * likesChanged;
  return { post, author };
}

/**
 * Likes the post as the user; liking twice keeps one like. The post after the write, or null if it
 * is gone; UNAUTHENTICATED if the user is.
 */
export async function likePost(sql: Sql, userId: number, postId: number): Promise<LikedPost | null> {
  const rows = await withPrismaErrors("Post", () => sql.rows<ChangeRow>(likeText(sql), [userId, postId]), {
    viewerReferences: ["likes_user_id_fkey"],
  });
  recordWrite("Like", "createMany", { data: [{ userId, postId }] }, { count: rows[0]?.likesChanged ?? 0 });
  return likedPost(rows, 1);
}

/**
 * Removes the user's like of the post, if there is one (no like: nothing changes, nothing is
 * invalidated). The post after the write, or null if it is gone.
 */
export async function unlikePost(sql: Sql, userId: number, postId: number): Promise<LikedPost | null> {
  let rows = await sql.rows<ChangeRow>(unlikeText(sql), [userId, postId]);
  // The statement's snapshot is taken before it waits for the post's lock: a like committed by the
  // writer it waited for (a double tap: like, then unlike) is not in it, and nothing was deleted.
  // Once more, with a snapshot from after that wait. (A like needs no such turn: its insert's
  // conflict check sees every committed row.)
  if (rows[0]?.likesChanged === 0) rows = await sql.rows<ChangeRow>(unlikeText(sql), [userId, postId]);
  recordWrite("Like", "deleteMany", { where: { userId, postId } }, { count: rows[0]?.likesChanged ?? 0 });
  return likedPost(rows, -1);
}
