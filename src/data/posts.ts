import { withPrismaErrors } from "./database-errors.ts";
import type { Post, User } from "./generated/prisma/client.ts";
import { type Sql, splitPrefixed } from "./sql.ts";
import { recordWrite } from "./write-log.ts";

/**
 * A new post with its tags, as one prepared statement on the pool (as likes.ts and comments.ts):
 * the post, each tag made or found by its slug, the links, and the post's author as the write left
 * them. Through Prisma's nested `connectOrCreate` it was a transaction of a statement or more per
 * tag. The write log records it as that Prisma create would.
 */
export interface CreatedPost {
  post: Post;
  author: User;
}

export interface NewPost {
  authorId: number;
  title: string;
  body: string;
  tags: readonly { slug: string; name: string }[];
}

/** The tags as Prisma's nested `connectOrCreate` names them (a post's create or update, and its write log). */
export const tagConnections = (tags: readonly { slug: string; name: string }[]) =>
  tags.map((tag) => ({ where: { slug: tag.slug }, create: tag }));

// The author's row is locked first: their post count read under the lock is the one before this
// insert's trigger adds 1 (another post of theirs waits), and a deletion of the author waits too,
// or the post finds them gone. A tag made at the same moment by another post's statement is found
// by the upsert, never missed: DO NOTHING would return no row for it, and this statement's
// snapshot could not see it. The no-op update takes the tag's row lock, which the link's counter
// trigger takes anyway; taken in slug order, two posts with the same tags wait for each other
// instead of deadlocking.
const createPostText = (sql: Sql) =>
  sql.text("createPost", () => {
    const posts = sql.columns("Post");
    const tags = sql.columns("Tag");
    const users = sql.columns("User");
    const post = (field: string) => `"${posts.column(field)}"`;
    const tag = (field: string) => `"${tags.column(field)}"`;
    return `WITH author AS (SELECT * FROM "${users.table}" WHERE id = $1 FOR NO KEY UPDATE),
  post AS (
    INSERT INTO "${posts.table}" (${post("authorId")}, ${post("title")}, ${post("body")}, ${post("updatedAt")})
    SELECT id, $2, $3, now() FROM author RETURNING *
  ),
  given AS (SELECT DISTINCT ON (slug) slug, name FROM unnest($4::text[], $5::text[]) AS given(slug, name) ORDER BY slug),
  tagged AS (
    INSERT INTO "${tags.table}" (${tag("slug")}, ${tag("name")}) SELECT slug, name FROM given WHERE EXISTS (SELECT 1 FROM post) ORDER BY slug
    ON CONFLICT (${tag("slug")}) DO UPDATE SET ${tag("slug")} = EXCLUDED.${tag("slug")} RETURNING id
  ),
  linked AS (INSERT INTO "_PostToTag" ("A", "B") SELECT post.id, tagged.id FROM post, tagged)
SELECT ${posts.selectAs("post")}, ${users.selectAs("author", "author.")}
  FROM post JOIN author ON author.id = post.${post("authorId")}`;
  });

/** Publishes the post: it and its author as the write left them, or null if the author is gone. */
export async function createPost(sql: Sql, input: NewPost): Promise<CreatedPost | null> {
  const { authorId, title, body, tags } = input;
  const rows = await withPrismaErrors(
    "Post",
    () =>
      sql.rows<Record<string, unknown>>(createPostText(sql), [
        authorId,
        title,
        body,
        tags.map((tag) => tag.slug),
        tags.map((tag) => tag.name),
      ]),
    { viewerReferences: ["posts_author_id_fkey"] },
  );
  const row = rows[0];
  if (!row) return null;
  const [post, author] = splitPrefixed<Post, User>(row, "author.");
  author.postCount += 1;
  recordWrite(
    "Post",
    "create",
    {
      data: {
        title,
        body,
        author: { connect: { id: authorId } },
        tags: { connectOrCreate: tagConnections(tags) },
      },
    },
    post,
  );
  return { post, author };
}
