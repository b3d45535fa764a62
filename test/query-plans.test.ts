import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../prisma/seed.ts";
import { runWithSqlStats, SqlStats } from "../src/data/sql-stats.ts";
import { signUpUser } from "./helpers/factories.ts";
import { explainGeneric, type PlanReport } from "./helpers/query-plan.ts";
import { useTestServer } from "./helpers/server.ts";

// Plans that read what they return: every statement a hot read sends, captured on the wire as
// the server sends it, is re-run as a prepared statement with its generic plan (what PostgreSQL
// settles on after five executions) under EXPLAIN ANALYZE on a database large enough for a bad
// plan to show. A statement fails when its scans read more than a small multiple of the rows it
// returns, or when it scans a big table sequentially.

const SIZES = { users: 2_000, posts: 30_000, comments: 60_000, likesPerPost: 4, followsPerUser: 5 };
/** Rows read per row returned, plus a constant for fixed costs (a lookup, a cursor row). */
const READ_FACTOR = 4;
const READ_SLACK = 50;
/** Tables at least this big must never be read sequentially by a hot statement. */
const SEQ_SCAN_ROWS = 1_000;

const server = await useTestServer({ RESPONSE_CACHE: "off", GRAPHQL_MAX_DEPTH: "15" });
const seeding = new pg.Client({ connectionString: server.url });
await seeding.connect();
// Skewed: prolific users (the first page of users), hot posts with thousands of likes, popular and rare tags.
await seedDatabase(seeding, SIZES, undefined, { distribution: "skewed" });
// A word only three posts hold, for the search of a rare word (every seed word is in most posts).
await seeding.query(`UPDATE posts SET body = body || ' kumquat' WHERE id IN (17, 12345, 29001)`);
await seeding.query("ANALYZE");
await seeding.end();
const viewer = await signUpUser(server, "plans_viewer");

const page = await server.execute<{ users: { pageInfo: { endCursor: string } } }, object>(
  `{ users(first: 100) { pageInfo { endCursor } } }`,
);
const userCursor = page.data?.users.pageInfo.endCursor;

const rare = await server.execute<{ posts: { pageInfo: { endCursor: string } } }, object>(
  `{ posts(first: 3, tag: "topic-170") { pageInfo { endCursor } } }`,
);
const rareTagCursor = rare.data?.posts.pageInfo.endCursor;

const deepCursor = async (list: string) => {
  const result = await server.execute<Record<string, { pageInfo: { endCursor: string } }>, object>(
    `{ ${list.replace(")", ", first: 100)")} { pageInfo { endCursor } } }`,
  );
  return Object.values(result.data ?? {})[0]?.pageInfo.endCursor;
};
const mostLikedCursor = await deepCursor("posts(orderBy: MOST_LIKED)");
const mostFollowedCursor = await deepCursor("users(orderBy: MOST_FOLLOWERS)");

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString("base64");

/** The hot read operations, as a client sends them. */
const OPERATIONS: { name: string; query: string; token?: string }[] = [
  {
    name: "users > posts > tags, counts, comments > author",
    query: `{ users(first: 20) { edges { node { handle postCount followerCount followingCount
      posts(first: 5) { edges { node { title likeCount commentCount tags { slug name postCount }
        comments(first: 5) { edges { node { body author { handle } } } } } } } } } } }`,
  },
  {
    name: "users page 2 (after a cursor)",
    query: `{ users(first: 20, after: "${userCursor}") { edges { node { handle } } } }`,
  },
  {
    name: "posts (newest first) with author, tags, viewerHasLiked",
    query: `{ posts(first: 20) { edges { node { title author { handle name } tags { slug } viewerHasLiked likeCount } } } }`,
    token: viewer.token,
  },
  { name: "posts of the most popular tag", query: `{ posts(first: 20, tag: "graphql") { edges { node { title } } } }` },
  {
    name: "posts of a rare tag, paged",
    query: `{ posts(first: 5, tag: "topic-170", after: "${rareTagCursor}") { edges { node { title } } } }`,
  },
  {
    name: "most liked posts, a deep page",
    query: `{ posts(first: 20, orderBy: MOST_LIKED, after: "${mostLikedCursor}") { edges { node { title likeCount } } } }`,
  },
  { name: "most commented posts", query: `{ posts(first: 20, orderBy: MOST_COMMENTED) { edges { node { title } } } }` },
  {
    name: "most followed users, a deep page",
    query: `{ users(first: 20, orderBy: MOST_FOLLOWERS, after: "${mostFollowedCursor}") { edges { node { handle } } } }`,
  },
  { name: "users with most posts", query: `{ users(first: 20, orderBy: MOST_POSTS) { edges { node { handle } } } }` },
  // Searches are planned with their words (a literal in the text, data/ordered-lists.ts): with them
  // as a parameter, the generic plan walked all 30,000 posts by id for the rare word.
  { name: "search for a rare word", query: `{ posts(first: 20, search: "kumquat") { edges { node { title } } } }` },
  { name: "search for a common word", query: `{ posts(first: 20, search: "cache") { edges { node { title } } } }` },
  { name: "tags with counts", query: `{ tags { slug name postCount } }` },
  {
    name: "one user's posts, paged",
    query: `{ user(handle: "user7") { postCount posts(first: 3, after: "${Buffer.from("id:29000").toString("base64url")}") { edges { node { title } } } } }`,
  },
  // Not as stored: read by the lower(handle) index, not by scanning users.
  { name: "a user by handle in another case", query: `{ user(handle: "USER7") { handle name } }` },
  {
    name: "a post with comments and their post",
    query: `{ post(id: "${globalId("Post", 1234)}") { title comments(first: 5) { edges { node { body post { title } } } } } }`,
  },
  {
    name: "node lookups",
    query: `{ nodes(ids: ["${globalId("Post", 5)}", "${globalId("User", 7)}", "${globalId("Comment", 9)}", "${globalId("Tag", 3)}"]) { id } }`,
  },
  { name: "viewer", query: `{ viewer { handle postCount } }`, token: viewer.token },
];

interface Checked {
  text: string;
  report: PlanReport;
}

const explain = new pg.Client({ connectionString: server.url });
const checked = new Map<string, Checked[]>();
let bigTables = new Set<string>();

beforeAll(async () => {
  await explain.connect();
  const { rows } = await explain.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND reltuples >= $1`,
    [SEQ_SCAN_ROWS],
  );
  bigTables = new Set(rows.map((row) => row.name));
  for (const operation of OPERATIONS) {
    const stats = new SqlStats(true);
    const result = await runWithSqlStats(stats, () =>
      server.execute(operation.query, { token: operation.token ?? null }),
    );
    expect(result.errors, operation.name).toBeUndefined();
    const statements: Checked[] = [];
    for (const [i, text] of stats.texts.entries()) {
      if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(text)) continue;
      statements.push({ text, report: await explainGeneric(explain, text, stats.values[i] ?? [], bigTables) });
    }
    checked.set(operation.name, statements);
  }
});
afterAll(() => explain.end());

/** What is wrong with each statement's plan: empty when every one reads about what it returns. */
function problems(operation: string): string[] {
  const statements = checked.get(operation) ?? [];
  expect(statements.length, operation).toBeGreaterThan(0);
  return statements.flatMap(({ text, report }) => {
    const found: string[] = [];
    if (report.read > READ_FACTOR * report.returned + READ_SLACK) {
      found.push(`reads ${report.read} rows to return ${report.returned}`);
    }
    const seqScans = report.seqScans.filter((table) => bigTables.has(table));
    if (seqScans.length > 0) found.push(`scans ${seqScans.join(", ")} sequentially`);
    if (found.length === 0) return [];
    return [`${text.replace(/\s+/g, " ")}\n  ${found.join("; ")}\n  ${report.scans.join("\n  ")}`];
  });
}

describe("hot read statements on a large database, with their generic plans", () => {
  for (const operation of OPERATIONS) {
    it(`${operation.name}: rows read follow rows returned`, () => {
      expect(problems(operation.name)).toEqual([]);
    });
  }

  it("the check fails a plan that reads more than it returns", async () => {
    // count(*) over every link of three tags: 3 rows returned, every link of the popular ones read.
    const counts = await explainGeneric(
      explain,
      `SELECT "B", count(*) FROM "_PostToTag" WHERE "B" = ANY($1::int[]) GROUP BY 1`,
      [[1, 2, 3]],
      bigTables,
    );
    expect(counts.read).toBeGreaterThan(READ_FACTOR * counts.returned + READ_SLACK);
    // The page query as it was, `$2 IS NULL OR id > $2`, on the posts with the most comments.
    const hot = await explain.query<{ id: number }>(`SELECT id FROM posts ORDER BY comment_count DESC LIMIT 20`);
    const page = await explainGeneric(
      explain,
      `SELECT child.* FROM unnest($1::int[]) AS parent(id) CROSS JOIN LATERAL (
         SELECT id, body FROM comments WHERE post_id = parent.id
           AND ($2::int IS NULL OR id > $2::int) AND ($3::int IS NULL OR id < $3::int)
         ORDER BY id LIMIT $4::int) AS child`,
      [hot.rows.map((row) => row.id), null, null, 6],
      bigTables,
    );
    console.log(`old page query on hot posts: ${page.read} rows read for ${page.returned} returned`);
    const scan = await explainGeneric(explain, `SELECT id FROM posts WHERE title = $1`, ["nope"], bigTables);
    expect(scan.seqScans).toContain("posts");
  });
});
