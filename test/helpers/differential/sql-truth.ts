import pg from "pg";
import { afterAll } from "vitest";

// The rows PostgreSQL holds, read directly (not through any Sokudo instance), one line each in the
// format World.expectedRows() writes, so a difference reads as the row that is wrong.

export type Rows = Record<string, string[]>;

const QUERIES: Record<string, { sql: string; line: (row: Record<string, unknown>) => string }> = {
  users: {
    sql: "SELECT id, handle, post_count, follower_count, following_count FROM users ORDER BY id",
    line: (r) =>
      `user ${r.id} @${r.handle} posts=${r.post_count} followers=${r.follower_count} following=${r.following_count}`,
  },
  posts: {
    sql: "SELECT id, author_id, title, body, like_count, comment_count FROM posts ORDER BY id",
    line: (r) =>
      `post ${r.id} by ${r.author_id} ${JSON.stringify(r.title)} ${JSON.stringify(r.body)} likes=${r.like_count} comments=${r.comment_count}`,
  },
  postTags: {
    sql: 'SELECT pt."A" AS post_id, t.slug FROM "_PostToTag" pt JOIN tags t ON t.id = pt."B" ORDER BY pt."A", t.slug COLLATE "C"',
    line: (r) => `post ${r.post_id} tag ${r.slug}`,
  },
  tags: {
    sql: 'SELECT slug, name, post_count FROM tags ORDER BY slug COLLATE "C"',
    line: (r) => `tag ${r.slug} ${JSON.stringify(r.name)} posts=${r.post_count}`,
  },
  likes: {
    sql: "SELECT user_id, post_id FROM likes ORDER BY user_id, post_id",
    line: (r) => `like ${r.user_id}:${r.post_id}`,
  },
  follows: {
    sql: "SELECT follower_id, followee_id FROM follows ORDER BY follower_id, followee_id",
    line: (r) => `follow ${r.follower_id}:${r.followee_id}`,
  },
  comments: {
    sql: "SELECT id, post_id, author_id, body FROM comments ORDER BY id",
    line: (r) => `comment ${r.id} on ${r.post_id} by ${r.author_id} ${JSON.stringify(r.body)}`,
  },
};

/** A pool of its own on the test database, closed after the file. */
export function createSqlTruth(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  afterAll(() => pool.end());
  return {
    async rows(): Promise<Rows> {
      const client = await pool.connect();
      try {
        // One snapshot for all tables: counters and the rows they count are read at the same instant.
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const rows: Rows = {};
        for (const [table, { sql, line }] of Object.entries(QUERIES)) {
          rows[table] = (await client.query<Record<string, unknown>>(sql)).rows.map(line);
        }
        await client.query("COMMIT");
        return rows;
      } finally {
        client.release();
      }
    },
  };
}

/** The lines each side has that the other lacks, per table; empty when SQL holds exactly what was expected. */
export function rowDifferences(expected: Rows, actual: Rows): string[] {
  const differences: string[] = [];
  for (const table of Object.keys(QUERIES)) {
    const want = expected[table] ?? [];
    const have = actual[table] ?? [];
    for (const line of want) if (!have.includes(line)) differences.push(`missing in SQL: ${line}`);
    for (const line of have) if (!want.includes(line)) differences.push(`unexpected in SQL: ${line}`);
  }
  return differences;
}
