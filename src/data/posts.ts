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

/** The tags as Prisma's nested `connectOrCreate` names them: what the write log reads. */
const connectOrCreate = (tags: readonly { slug: string; name: string }[]) =>
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
        tags: { connectOrCreate: connectOrCreate(tags) },
      },
    },
    post,
  );
  return { post, author };
}

export interface PostChange {
  title?: string;
  body?: string;
  /** The post's tags from now on (by slug, made when new); absent: its tags stay as they are. */
  tags?: readonly { slug: string; name: string }[];
}

// The post's row is locked first, as a like's is (likes.ts): a deletion waits, or this finds the
// post gone. Tags are upserted in slug order as createPost's are; the links not in the new list go,
// the new ones come, the kept ones stay (their conflict does nothing).
const updatePostText = (sql: Sql) =>
  sql.text("updatePost", () => {
    const posts = sql.columns("Post");
    const tags = sql.columns("Tag");
    const users = sql.columns("User");
    const post = (field: string) => `"${posts.column(field)}"`;
    const tag = (field: string) => `"${tags.column(field)}"`;
    return `WITH target AS (SELECT id, ${post("authorId")} AS author_id FROM "${posts.table}" WHERE id = $1 FOR NO KEY UPDATE),
  updated AS (
    UPDATE "${posts.table}" p SET ${post("title")} = COALESCE($3::text, p.${post("title")}),
      ${post("body")} = COALESCE($4::text, p.${post("body")}), ${post("updatedAt")} = now()
    FROM target WHERE p.id = target.id AND target.author_id = $2 RETURNING p.*
  ),
  given AS (
    SELECT DISTINCT ON (slug) slug, name FROM unnest($5::text[], $6::text[]) AS given(slug, name)
    WHERE EXISTS (SELECT 1 FROM updated) ORDER BY slug
  ),
  tagged AS (
    INSERT INTO "${tags.table}" (${tag("slug")}, ${tag("name")}) SELECT slug, name FROM given ORDER BY slug
    ON CONFLICT (${tag("slug")}) DO UPDATE SET ${tag("slug")} = EXCLUDED.${tag("slug")} RETURNING id
  ),
  unlinked AS (
    DELETE FROM "_PostToTag" l USING updated
    WHERE $5::text[] IS NOT NULL AND l."A" = updated.id AND l."B" NOT IN (SELECT id FROM tagged)
  ),
  linked AS (INSERT INTO "_PostToTag" ("A", "B") SELECT updated.id, tagged.id FROM updated, tagged ON CONFLICT DO NOTHING)
SELECT target.author_id AS "authorOf", ${posts.selectAs("updated", "post.")}, ${users.selectAs("u", "author.")}
  FROM target LEFT JOIN updated ON updated.id = target.id LEFT JOIN "${users.table}" u ON u.id = updated.${post("authorId")}`;
  });

/**
 * Changes the post if `editorId` wrote it: the post and its author as the write left them; "gone"
 * if there is no such post, "not author" (and nothing changed) if someone else wrote it.
 */
export async function updatePost(
  sql: Sql,
  editorId: number,
  postId: number,
  change: PostChange,
): Promise<CreatedPost | "gone" | "not author"> {
  const { title, body, tags } = change;
  const rows = await withPrismaErrors("Post", () =>
    sql.rows<Record<string, unknown>>(updatePostText(sql), [
      postId,
      editorId,
      title ?? null,
      body ?? null,
      tags ? tags.map((tag) => tag.slug) : null,
      tags ? tags.map((tag) => tag.name) : null,
    ]),
  );
  const row = rows[0];
  if (!row) return "gone";
  if (row.authorOf !== editorId) return "not author";
  const { authorOf: _authorOf, ...columns } = row;
  const [rest, author] = splitPrefixed<Record<string, unknown>, User>(columns, "author.");
  const [, post] = splitPrefixed<Record<string, unknown>, Post>(rest, "post.");
  recordWrite(
    "Post",
    "update",
    {
      where: { id: postId },
      data: {
        title,
        body,
        ...(tags ? { tags: { set: [], connectOrCreate: connectOrCreate(tags) } } : {}),
      },
    },
    post,
  );
  return { post, author };
}
