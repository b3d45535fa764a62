import { withPrismaErrors } from "./database-errors.ts";
import type { Comment, Post, User } from "./generated/prisma/client.ts";
import { type Sql, splitPrefixed } from "./sql.ts";
import { recordWrite } from "./write-log.ts";

/**
 * A new comment, the second hottest write, as one prepared statement on the pool (as likes.ts):
 * the insert answers with the comment, and with its post and the post's author as the write left
 * them, so the payload needs no second read. Through Prisma it was a transaction of its own and a
 * re-read of the post: seven statements. The write log records it as Prisma's create would.
 */
export interface AddedComment {
  comment: Comment;
  post: Post;
  postAuthor: User;
}

// The post's row is locked first, as a like does (likes.ts): a deletion of the post waits, or the
// comment finds it gone. Read under that lock, the post's count is the one before this insert's
// trigger adds 1; no other writer can change it until the transaction ends.
const addCommentText = (sql: Sql) =>
  sql.text("addComment", () => {
    const comments = sql.columns("Comment");
    const posts = sql.columns("Post");
    const users = sql.columns("User");
    const column = (field: string) => `"${comments.column(field)}"`;
    return `WITH post AS (SELECT * FROM "${posts.table}" WHERE id = $1 FOR NO KEY UPDATE),
  added AS (INSERT INTO "${comments.table}" (${column("postId")}, ${column("authorId")}, ${column("body")})
    SELECT id, $2, $3 FROM post RETURNING *)
SELECT ${comments.selectAs("added")}, ${posts.selectAs("post", "post.")}, ${users.selectAs("u", "author.")}
  FROM added JOIN post ON post.id = added."${comments.column("postId")}"
  JOIN "${users.table}" u ON u.id = post."${posts.column("authorId")}"`;
  });

/** Adds the user's comment to the post: what it made, or null if the post is gone; UNAUTHENTICATED if the user is. */
export async function addComment(
  sql: Sql,
  authorId: number,
  postId: number,
  body: string,
): Promise<AddedComment | null> {
  const rows = await withPrismaErrors(
    "Post",
    () => sql.rows<Record<string, unknown>>(addCommentText(sql), [postId, authorId, body]),
    { viewerReferences: ["comments_author_id_fkey"] },
  );
  const row = rows[0];
  if (!row) return null;
  const [rest, postAuthor] = splitPrefixed<Record<string, unknown>, User>(row, "author.");
  const [comment, post] = splitPrefixed<Comment, Post>(rest, "post.");
  post.commentCount += 1;
  recordWrite("Comment", "create", { data: { postId, authorId, body } }, comment);
  return { comment, post, postAuthor };
}
