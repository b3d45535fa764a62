import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../prisma/seed.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

// Ordered, searched and counted lists, checked against SQL truth: every page of every order,
// walked forwards and backwards, is the database's own ORDER BY, in one statement per page.

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const sql = new pg.Client({ connectionString: server.url });
await sql.connect();
// Three likes per post on average: many posts share a count, so ties between counts are paged too.
await seedDatabase(sql, { users: 30, posts: 300, comments: 900, likesPerPost: 3, followsPerUser: 4 });
afterAll(() => sql.end());

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
}

const rowId = (globalId: string) => Number(Buffer.from(globalId, "base64").toString("utf8").split(":")[1]);

/** Every id of a root list, page by page (forwards with first/after, or backwards with last/before). */
async function walk(field: "posts" | "users", args: string, direction: "forwards" | "backwards", size = 37) {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const window =
      direction === "forwards"
        ? `first: ${size}${cursor ? `, after: "${cursor}"` : ""}`
        : `last: ${size}${cursor ? `, before: "${cursor}"` : ""}`;
    const result = await server.execute<Record<string, Page>, object>(
      `{ ${field}(${[args, window].filter(Boolean).join(", ")}) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.statements, "one statement per page").toBe(1);
    const page = result.data?.[field] as Page;
    const pageIds = page.edges.map((edge) => rowId(edge.node.id));
    if (direction === "forwards") {
      ids.push(...pageIds);
      if (!page.pageInfo.hasNextPage) return ids;
      cursor = page.pageInfo.endCursor;
    } else {
      ids.unshift(...pageIds);
      if (!page.pageInfo.hasPreviousPage) return ids;
      cursor = page.pageInfo.startCursor;
    }
  }
  throw new Error("more than 100 pages");
}

const truth = async (query: string) => (await sql.query<{ id: number }>(query)).rows.map((row) => row.id);

describe("posts(orderBy:)", () => {
  const orders = {
    NEWEST: "SELECT id FROM posts ORDER BY id DESC",
    MOST_LIKED: "SELECT id FROM posts ORDER BY like_count DESC, id DESC",
    MOST_COMMENTED: "SELECT id FROM posts ORDER BY comment_count DESC, id DESC",
  };
  for (const [order, query] of Object.entries(orders)) {
    it(`${order}: every page, forwards and backwards, is the database's order`, async () => {
      const expected = await truth(query);
      expect(expected.length).toBe(300);
      expect(await walk("posts", `orderBy: ${order}`, "forwards")).toEqual(expected);
      expect(await walk("posts", `orderBy: ${order}`, "backwards")).toEqual(expected);
    });
  }

  it("without orderBy is newest first, as before", async () => {
    expect(await walk("posts", "", "forwards", 100)).toEqual(await truth(orders.NEWEST));
  });

  it("the counts really differ, so the orders are not all one", async () => {
    expect(await truth(orders.MOST_LIKED)).not.toEqual(await truth(orders.NEWEST));
    expect(await truth(orders.MOST_COMMENTED)).not.toEqual(await truth(orders.MOST_LIKED));
  });

  it("refuses a cursor from another order (BAD_USER_INPUT), and a forged one", async () => {
    const newest = await server.execute<{ posts: Page }, object>(`{ posts(first: 2) { pageInfo { endCursor } } }`);
    const liked = await server.execute<{ posts: Page }, object>(
      `{ posts(first: 2, orderBy: MOST_LIKED) { pageInfo { endCursor } } }`,
    );
    const newestCursor = newest.data?.posts.pageInfo.endCursor;
    const likedCursor = liked.data?.posts.pageInfo.endCursor;
    const forged = Buffer.from("MOST_LIKED:1:-4").toString("base64url");
    for (const [order, cursor] of [
      ["MOST_LIKED", newestCursor],
      ["MOST_COMMENTED", likedCursor],
      ["NEWEST", likedCursor],
      ["MOST_LIKED", forged],
    ]) {
      const result = await server.execute(
        `{ posts(first: 2, orderBy: ${order}, after: "${cursor}") { edges { cursor } } }`,
      );
      expect(errorCodes(result), `${order} after ${cursor}`).toEqual(["BAD_USER_INPUT"]);
    }
  });

  it("with tag or search only NEWEST is offered (BAD_USER_INPUT naming orderBy)", async () => {
    for (const args of [`tag: "graphql", orderBy: MOST_LIKED`, `search: "cache", orderBy: MOST_COMMENTED`]) {
      const result = await server.execute(`{ posts(first: 2, ${args}) { edges { cursor } } }`);
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.errors?.[0]?.extensions?.field).toBe("orderBy");
    }
  });

  it("a tag's posts page newest first through the tag's index, as before", async () => {
    const { rows } = await sql.query<{ slug: string }>(
      `SELECT slug FROM tags WHERE post_count BETWEEN 40 AND 120 ORDER BY post_count DESC LIMIT 1`,
    );
    const slug = rows[0]?.slug as string;
    const expected = await truth(
      `SELECT p.id FROM posts p JOIN "_PostToTag" pt ON pt."A" = p.id JOIN tags t ON t.id = pt."B" WHERE t.slug = '${slug}' ORDER BY p.id DESC`,
    );
    expect(await walk("posts", `tag: "${slug}"`, "forwards", 9)).toEqual(expected);
    expect(await walk("posts", `tag: "${slug}"`, "backwards", 9)).toEqual(expected);
  });
});

describe("posts(search:)", () => {
  it("matches words in the title or the text with English stemming, newest first, paged", async () => {
    const author = (await sql.query<{ id: number }>("SELECT id FROM users ORDER BY id LIMIT 1")).rows[0]?.id;
    await sql.query(
      `INSERT INTO posts (author_id, title, body, updated_at) VALUES
         ($1, 'Kumquats ripen', 'a fruit', now()), ($1, 'Other', 'the kumquat tree grows', now()),
         ($1, 'Unrelated', 'kum quat is two words', now())`,
      [author],
    );
    const expected = await truth(
      `SELECT id FROM posts WHERE to_tsvector('english', title || ' ' || body) @@ websearch_to_tsquery('english', 'kumquat') ORDER BY id DESC`,
    );
    expect(expected).toHaveLength(2);
    expect(await walk("posts", `search: "kumquat"`, "forwards", 1)).toEqual(expected);
    // A common word of the seed, in another form: "caching" is stemmed as "cache" is.
    const common = await truth(
      `SELECT id FROM posts WHERE to_tsvector('english', title || ' ' || body) @@ websearch_to_tsquery('english', 'cache') ORDER BY id DESC`,
    );
    expect(common.length).toBeGreaterThan(50);
    expect(await walk("posts", `search: "caching"`, "forwards", 50)).toEqual(common);
    // Web-search syntax: a word excluded.
    const without = await truth(
      `SELECT id FROM posts WHERE to_tsvector('english', title || ' ' || body) @@ websearch_to_tsquery('english', 'cache -pool') ORDER BY id DESC`,
    );
    expect(without.length).toBeLessThan(common.length);
    expect(await walk("posts", `search: "cache -pool"`, "forwards", 50)).toEqual(without);
    // With a tag: the tag's posts that match, from the tag's index.
    const slug = (await sql.query<{ slug: string }>(`SELECT slug FROM tags ORDER BY post_count DESC LIMIT 1`)).rows[0]
      ?.slug as string;
    const tagged = await truth(
      `SELECT p.id FROM posts p JOIN "_PostToTag" pt ON pt."A" = p.id JOIN tags t ON t.id = pt."B"
       WHERE t.slug = '${slug}' AND to_tsvector('english', title || ' ' || body) @@ websearch_to_tsquery('english', 'cache')
       ORDER BY p.id DESC`,
    );
    expect(tagged.length).toBeGreaterThan(0);
    expect(tagged.length).toBeLessThan(common.length);
    expect(await walk("posts", `search: "cache", tag: "${slug}"`, "forwards", 7)).toEqual(tagged);
    expect(await walk("posts", `search: "cache", tag: "${slug}"`, "backwards", 7)).toEqual(tagged);
  });

  it("refuses a blank search and one over 200 characters (BAD_USER_INPUT naming search)", async () => {
    for (const search of ["   ", "word ".repeat(41)]) {
      const result = await server.execute(
        `{ posts(first: 2, search: ${JSON.stringify(search)}) { edges { cursor } } }`,
      );
      expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.errors?.[0]?.extensions?.field).toBe("search");
    }
  });

  it("answers hostile query syntax as no match or a match, never an error", async () => {
    for (const search of [`"unclosed`, `!!! &&& |||`, `a:* <-> b`, `\\'; DROP TABLE posts; --`]) {
      const result = await server.execute(
        `{ posts(first: 2, search: ${JSON.stringify(search)}) { edges { cursor } } }`,
      );
      expect(result.errors, search).toBeUndefined();
    }
  });
});

describe("users(orderBy:)", () => {
  const orders = {
    OLDEST: "SELECT id FROM users ORDER BY id ASC",
    NEWEST: "SELECT id FROM users ORDER BY id DESC",
    MOST_POSTS: "SELECT id FROM users ORDER BY post_count DESC, id DESC",
    MOST_FOLLOWERS: "SELECT id FROM users ORDER BY follower_count DESC, id DESC",
  };
  for (const [order, query] of Object.entries(orders)) {
    it(`${order}: every page, forwards and backwards, is the database's order`, async () => {
      const expected = await truth(query);
      expect(await walk("users", `orderBy: ${order}`, "forwards", 7)).toEqual(expected);
      expect(await walk("users", `orderBy: ${order}`, "backwards", 7)).toEqual(expected);
    });
  }
});

describe("totalCount", () => {
  it("of a user's posts and a post's comments is the count, with no statement of its own", async () => {
    const query = `{ users(first: 30) { edges { node { id posts(first: 1) { totalCount edges { node { id comments(first: 1) { totalCount } } } } } } } }`;
    const withCounts = await server.execute<
      {
        users: {
          edges: {
            node: {
              id: string;
              posts: { totalCount: number; edges: { node: { id: string; comments: { totalCount: number } } }[] };
            };
          }[];
        };
      },
      object
    >(query);
    expect(withCounts.errors).toBeUndefined();
    // The same without any count: the counts are columns already read, and a count alone reads no page.
    const without = await server.execute(
      `{ users(first: 30) { edges { node { id posts(first: 1) { edges { node { id } } } } } } }`,
    );
    expect(withCounts.statements).toBe(without.statements);
    const posts = new Map(
      (
        await sql.query<{ id: number; n: number }>(`SELECT author_id AS id, count(*)::int AS n FROM posts GROUP BY 1`)
      ).rows.map((row) => [row.id, row.n]),
    );
    const comments = new Map(
      (
        await sql.query<{ id: number; n: number }>(`SELECT post_id AS id, count(*)::int AS n FROM comments GROUP BY 1`)
      ).rows.map((row) => [row.id, row.n]),
    );
    const users = withCounts.data?.users.edges ?? [];
    expect(users).toHaveLength(30);
    for (const { node } of users) {
      expect(node.posts.totalCount).toBe(posts.get(rowId(node.id)) ?? 0);
      for (const post of node.posts.edges) {
        expect(post.node.comments.totalCount).toBe(comments.get(rowId(post.node.id)) ?? 0);
      }
    }
  });

  it("is not offered where it would be a count of a whole table", async () => {
    for (const query of [`{ posts { totalCount } }`, `{ users { totalCount } }`]) {
      expect(errorCodes(await server.execute(query))).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    }
  });
});
