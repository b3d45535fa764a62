import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type SeedOptions, seedDatabase } from "../prisma/seed.ts";
import { useTestDatabase } from "./helpers/database.ts";

// `npm run seed -- --skew`: a community with prolific users, popular and rare tags, hot posts;
// the same rows on every run.

const SIZES = { users: 300, posts: 6_000, comments: 6_000, likesPerPost: 4, followsPerUser: 5 };

async function seeded(options: SeedOptions) {
  const client = new pg.Client({ connectionString: await useTestDatabase() });
  await client.connect();
  afterAll(() => client.end());
  await seedDatabase(client, SIZES, undefined, options);
  return client;
}

const [skewed, again, uniform] = await Promise.all([
  seeded({ distribution: "skewed" }),
  seeded({ distribution: "skewed" }),
  seeded({}),
]);

/** One digest of every row the seed wrote. */
async function digest(client: pg.Client) {
  const { rows } = await client.query<{ digest: string }>(`SELECT md5(
    (SELECT string_agg(concat_ws(',', id, author_id, title), ';' ORDER BY id) FROM posts) ||
    (SELECT string_agg(concat_ws(',', "A", "B"), ';' ORDER BY "A", "B") FROM "_PostToTag") ||
    (SELECT string_agg(concat_ws(',', user_id, post_id), ';' ORDER BY user_id, post_id) FROM likes) ||
    (SELECT string_agg(concat_ws(',', follower_id, followee_id), ';' ORDER BY 1) FROM follows) ||
    (SELECT string_agg(concat_ws(',', id, post_id, author_id), ';' ORDER BY id) FROM comments)
  ) AS digest`);
  return rows[0]?.digest;
}

/** The largest, median and smallest of a counter column. */
async function spread(client: pg.Client, table: string, column: string) {
  const { rows } = await client.query<{ max: number; median: number; min: number }>(
    `SELECT max(${column})::int AS max, percentile_disc(0.5) WITHIN GROUP (ORDER BY ${column})::int AS median,
            min(${column})::int AS min FROM ${table}`,
  );
  return rows[0] as { max: number; median: number; min: number };
}

describe("seed --skew", () => {
  it("writes the same rows on every run", async () => {
    expect(await digest(skewed)).toBe(await digest(again));
    expect(await digest(skewed)).not.toBe(await digest(uniform));
  });

  it("gives a few users most of the posts and followers, where the uniform seed spreads them", async () => {
    const posts = await spread(skewed, "users", "post_count");
    expect(posts.max).toBeGreaterThan(500);
    expect(posts.max).toBeGreaterThan(50 * Math.max(posts.median, 1));
    const followers = await spread(skewed, "users", "follower_count");
    expect(followers.max).toBeGreaterThan(10 * Math.max(followers.median, 1));
    const even = await spread(uniform, "users", "post_count");
    expect(even.max).toBeLessThan(3 * even.median);
  });

  it("gives tags very different popularity and a long tail", async () => {
    const tags = await spread(skewed, "tags", "post_count");
    const { rows } = await skewed.query<{ n: number }>(`SELECT count(*)::int AS n FROM tags`);
    expect(rows[0]?.n).toBe(200);
    expect(tags.max).toBeGreaterThan(100 * Math.max(tags.min, 1));
  });

  it("puts many likes and comments on a few hot posts", async () => {
    const likes = await spread(skewed, "posts", "like_count");
    expect(likes.max).toBeGreaterThan(SIZES.users / 2);
    expect(likes.median).toBeLessThanOrEqual(SIZES.likesPerPost);
    const comments = await spread(skewed, "posts", "comment_count");
    expect(comments.max).toBeGreaterThan(100);
  });
});
