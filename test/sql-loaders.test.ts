import pg from "pg";
import { describe, expect, it } from "vitest";
import { createSql, parseTimestamptz } from "../src/data/sql.ts";
import { createPool } from "../src/data/db.ts";
import { createLoaders } from "../src/data/loaders.ts";
import { runWithSqlStats, SqlStats } from "../src/data/sql-stats.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer();
const alice = await signUpUser(server, "alice");
const bob = await signUpUser(server, "bob");
const alicesPost = await createPost(server, alice.token, { title: "first" });
await createPost(server, bob.token, { title: "second" });
await server.execute(
  `mutation ($id: ID!) { addComment(input: { postId: $id, body: "hello" }) { ... on AddCommentPayload { comment { id } } } }`,
  {
    variables: { id: alicesPost.id },
    token: bob.token,
  },
);

// The loaders read rows with their own SQL on the pool (data/sql.ts); resolvers and the cache
// rely on those rows having exactly the shape and values Prisma gives for the same ids.
describe("loader rows read on the pool", () => {
  it("equal Prisma's rows for users and posts, field for field, with null for a missing id", async () => {
    // Its own Sql beside the server's: both name each text alike on the shared connections.
    const loaders = createLoaders(createSql(server.db.pool, server.db.prisma), null);
    await server.execute(
      `{ users(first: 2) { edges { node { posts(first: 1) { edges { node { author { handle } } } } } } } }`,
    );
    const users = await server.db.prisma.user.findMany({ orderBy: { id: "asc" } });
    const posts = await server.db.prisma.post.findMany({ orderBy: { id: "asc" } });
    expect(users.length).toBeGreaterThanOrEqual(2);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    const missing = 2_000_000_000;

    const loaded = await loaders.userById.loadMany([...users.map((user) => user.id), missing]);
    expect(loaded).toEqual([...users, null]);
    expect(await loaders.postById.loadMany([...posts.map((post) => post.id), missing])).toEqual([...posts, null]);
  });
});

describe("rows built from pg's arrays (data/sql.ts)", () => {
  it("equal the rows pg builds itself, for any column names, values and nulls", async () => {
    const sql = createSql(server.db.pool, server.db.prisma);
    const text = `SELECT u.id, u.handle AS "author.handle", NULL::text AS "author.name", u.created_at AS "createdAt",
        'x' AS "quo""ted", 1 AS twice, 2 AS twice, 'proto' AS "__proto__", u.post_count AS "constructor"
      FROM users u ORDER BY u.id LIMIT 2`;
    const ours = await sql.rows<Record<string, unknown>>(text, []);
    const { rows: theirs } = await server.db.pool.query<Record<string, unknown>>(text);
    expect(ours).toHaveLength(2);
    expect(ours.map((row) => Object.entries(row))).toEqual(theirs.map((row) => Object.entries(row)));
    for (const row of ours) {
      // "__proto__" is a column like any other: the row is still a plain object.
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(row.createdAt).toBeInstanceOf(Date);
    }
    // A second statement with the same column names reads through the same builder, values its own.
    const descending = text.replace("ORDER BY u.id", "ORDER BY u.id DESC");
    const { rows: theirsDescending } = await server.db.pool.query<Record<string, unknown>>(descending);
    expect((await sql.rows<Record<string, unknown>>(descending, [])).map((row) => Object.entries(row))).toEqual(
      theirsDescending.map((row) => Object.entries(row)),
    );
    expect(theirsDescending[0]?.id).not.toEqual(theirs[0]?.id);
    // Unprepared (a text that changes from call to call): the builder is found by the column names.
    const unprepared = await sql.rows<Record<string, unknown>>(text, [], { planEachTime: true });
    expect(unprepared.map((row) => Object.entries(row))).toEqual(theirs.map((row) => Object.entries(row)));
  });
});

describe("a post read by id", () => {
  it("brings its author: the author costs no statement of its own", async () => {
    const loaders = createLoaders(createSql(server.db.pool, server.db.prisma), null);
    const post = await server.db.prisma.post.findFirstOrThrow({ include: { author: true } });
    const { author, ...columns } = post;
    const stats = new SqlStats();
    await runWithSqlStats(stats, async () => {
      expect(await loaders.postById.load(post.id)).toEqual(columns);
      expect(await loaders.userById.load(post.authorId)).toEqual(author);
    });
    expect(stats.statements).toBe(1);
  });
});

describe("timestamps read digit by digit", () => {
  it("give the same instants as pg's own parser, which still reads every other form", () => {
    const pgParser = pg.types.getTypeParser(1184, "text") as (text: string) => Date;
    const texts = [
      "2026-01-07 22:41:00+00",
      "2026-01-07 22:41:00.1+00",
      "2026-01-07 22:41:00.12+00",
      "2026-01-07 22:41:00.123+00",
      "2026-01-07 22:41:00.123456+00",
      "2024-02-29 12:00:00.5+00",
      "1999-12-31 23:59:59.999999+00",
      "0099-01-01 00:00:00+00",
      "2026-01-07 22:41:00.12+05:30",
      "2026-01-07 22:41:00+01",
      "2026-01-07 22:41:00 BC",
      "infinity",
    ];
    for (const text of texts) {
      const ours = parseTimestamptz(text);
      const theirs = pgParser(text);
      expect(String(ours), text).toBe(String(theirs));
      expect(+ours, text).toEqual(+theirs);
    }
  });
});

describe("the pool's prepared statements", () => {
  it("run their generic plan from the first call: PostgreSQL does not plan a loader's statement again per call", async () => {
    // One connection, so the statements and pg_prepared_statements meet on it.
    const pool = createPool(server.url, {
      min: 0,
      max: 1,
      connectionTimeoutMs: 5_000,
      idleTimeoutMs: 10_000,
      maxLifetimeSeconds: 60,
      statementTimeoutMs: 10_000,
    });
    try {
      const sql = createSql(pool, server.db.prisma);
      const users = await server.db.prisma.user.findMany({ select: { id: true }, take: 2 });
      for (const user of users) await createLoaders(sql, null).userById.load(user.id);
      const { rows } = await pool.query<{ generic: number; custom: number }>(
        `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements WHERE name LIKE 'sokudo_%'`,
      );
      expect(rows).toEqual([{ generic: 2, custom: 0 }]);
    } finally {
      await pool.end();
    }
  });
});

describe("rows read for what the operation selects", () => {
  const statementsOf = async (query: string) => {
    const stats = new SqlStats(true);
    const result = await runWithSqlStats(stats, () => server.execute(query));
    return { texts: stats.texts, errors: result.errors };
  };
  const usersStatement = (texts: string[]) => texts.find((text) => /FROM "users" WHERE id = ANY/.test(text)) ?? "";
  const postsPage = (texts: string[]) => texts.find((text) => /FROM "posts"/.test(text)) ?? "";
  const commentsPage = (texts: string[]) => texts.find((text) => /FROM "comments"/.test(text)) ?? "";

  it("reads only the selected columns of pages and authors: no post body, no password hash", async () => {
    const { texts, errors } = await statementsOf(
      `{ users(first: 2) { edges { node { posts(first: 2) { edges { node { title comments(first: 2) { edges { node { body author { handle } } } } } } } } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(postsPage(texts)).toContain(`"title"`);
    expect(postsPage(texts)).not.toContain(`"body"`);
    // The comments' authors are read in the comments' own statement (Comment.author joinsOne).
    expect(commentsPage(texts)).toContain(`LEFT JOIN "users"`);
    expect(commentsPage(texts)).toContain(`"handle" AS "author.handle"`);
    expect(commentsPage(texts)).not.toContain("password_hash");
    expect(commentsPage(texts)).not.toContain("email");
    expect(usersStatement(texts)).toBe("");
  });

  it("reads a page's joined authors as they are in the database", async () => {
    // Three posts by one writer, each with a comment by each of four commenters.
    const { rows: made } = await server.db.pool.query<{ id: number }>(
      `INSERT INTO users (handle, email, name, password_hash, updated_at)
       SELECT 'joined' || n, 'joined' || n || '@example.test', 'Joined ' || n, 'x', now() FROM generate_series(0, 4) AS n
       RETURNING id`,
    );
    const [writer, ...commenters] = made.map((row) => row.id);
    const { rows: posts } = await server.db.pool.query<{ id: number }>(
      `INSERT INTO posts (author_id, title, body, updated_at) SELECT $1, 'joined ' || n, 'b', now() FROM generate_series(1, 3) AS n RETURNING id`,
      [writer],
    );
    await server.db.pool.query(
      `INSERT INTO comments (post_id, author_id, body) SELECT p, a, 'c' FROM unnest($1::int[]) AS p, unnest($2::int[]) AS a`,
      [posts.map((post) => post.id), commenters],
    );
    const result = await server.execute(
      `{ user(handle: "joined0") { posts(first: 3) { edges { node { comments(first: 4) { edges { node { id author { handle name } } } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    type Comment = { id: string; author: { handle: string; name: string } };
    type Data = { user: { posts: { edges: { node: { comments: { edges: { node: Comment }[] } } }[] } } };
    const comments = (result.data as Data).user.posts.edges.flatMap((post) =>
      post.node.comments.edges.map((comment) => comment.node),
    );
    expect(comments).toHaveLength(12);
    const ids = comments.map((comment) => Number(Buffer.from(comment.id, "base64").toString().split(":")[1]));
    const { rows } = await server.db.pool.query<{ id: number; handle: string; name: string }>(
      `SELECT c.id, u.handle, u.name FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = ANY($1::int[])`,
      [ids],
    );
    const truth = new Map(rows.map(({ id, handle, name }) => [id, { handle, name }]));
    expect(comments.map((comment) => comment.author)).toEqual(ids.map((id) => truth.get(id)));
    expect(new Set(comments.map((comment) => comment.author.handle)).size).toBe(4);
  });

  it("reads whole rows when a selected field declares nothing of what it reads (User.jobs)", async () => {
    // Anonymous: `jobs` itself answers an error; the author's row is read before it.
    const { texts } = await statementsOf(
      `{ posts(first: 2) { edges { node { comments(first: 2) { edges { node { author { handle jobs(first: 1) { edges { node { status } } } } } } } } } } }`,
    );
    expect(usersStatement(texts)).toContain("password_hash");
  });

  it("keeps at most 64 narrow column lists (each a prepared statement per connection): whole rows after", async () => {
    // 64 lists of author fields, each the comments page's list with its joined authors: the cap.
    const optional = ["name", "bio", "postCount", "followerCount", "followingCount", "createdAt"];
    const narrowAfter: boolean[] = [];
    for (let mask = 0; mask < 2 ** optional.length; mask++) {
      const fields = ["handle", ...optional.filter((_, bit) => mask & (1 << bit))].join(" ");
      const { texts, errors } = await statementsOf(
        `{ posts(first: 2) { edges { node { comments(first: 2) { edges { node { author { ${fields} } } } } } } } }`,
      );
      expect(errors).toBeUndefined();
      narrowAfter.push(!texts.some((text) => text.includes("password_hash")));
    }
    // Earlier tests of this file may have used a few lists already: narrow until the cap, then whole.
    const narrow = narrowAfter.filter(Boolean).length;
    expect(narrow).toBeGreaterThan(55);
    expect(narrow).toBeLessThan(64);
    expect(narrowAfter.indexOf(false)).toBe(narrow);
    expect(narrowAfter.at(-1)).toBe(false);
  });
});

// Last in the file: its posts become the newest, which the tests above read comments of.
describe("page windows in one request", () => {
  it("gives each page window its own page when one request asks for several, parent after parent", async () => {
    const { rows: made } = await server.db.pool.query<{ id: number }>(
      `INSERT INTO users (handle, email, name, password_hash, updated_at)
       SELECT 'windows' || n, 'windows' || n || '@example.test', 'Windows ' || n, 'x', now() FROM generate_series(1, 2) AS n
       RETURNING id`,
    );
    await server.db.pool.query(
      `INSERT INTO posts (author_id, title, body, updated_at)
       SELECT a, 'windows ' || a || '.' || n, 'b', now() FROM unnest($1::int[]) AS a, generate_series(1, 4) AS n`,
      [made.map((row) => row.id)],
    );
    // Aliases alternate windows for each parent: a loader kept for the previous call must not answer the next.
    const result = await server.execute(
      `{ users(first: 2, after: "${Buffer.from(`id:${(made[0]?.id ?? 0) - 1}`).toString("base64url")}") { edges { node { handle
          one: posts(first: 1) { edges { node { title } } pageInfo { hasNextPage } }
          three: posts(first: 3) { edges { node { title } } pageInfo { hasNextPage } }
          again: posts(first: 1) { edges { node { title } } pageInfo { hasNextPage } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    type Page = { edges: { node: { title: string } }[]; pageInfo: { hasNextPage: boolean } };
    type Data = { users: { edges: { node: { handle: string; one: Page; three: Page; again: Page } }[] } };
    const users = (result.data as Data).users.edges.map((edge) => edge.node);
    expect(users.map((user) => user.handle)).toEqual(["windows1", "windows2"]);
    const titles = (page: Page) => page.edges.map((edge) => edge.node.title);
    for (const user of users) {
      const { rows } = await server.db.pool.query<{ title: string }>(
        `SELECT p.title FROM posts p JOIN users u ON u.id = p.author_id WHERE u.handle = $1 ORDER BY p.id DESC`,
        [user.handle],
      );
      const truth = rows.map((row) => row.title);
      expect(truth).toHaveLength(4);
      expect(titles(user.one)).toEqual(truth.slice(0, 1));
      expect(titles(user.three)).toEqual(truth.slice(0, 3));
      expect(titles(user.again)).toEqual(truth.slice(0, 1));
      expect([user.one, user.three, user.again].map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, true]);
    }
  });
});
