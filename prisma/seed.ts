import type pg from "pg";
import { hashPassword } from "../src/auth/password.ts";
import { seededRandom } from "./seeded-random.ts";
import { slugify } from "../src/schema/slug.ts";

/**
 * Deterministic demo data: the same sizes give the same rows on every machine.
 * Rows go in with batched INSERT ... SELECT FROM unnest(...) (a few statements per
 * thousand rows), so 1,000 users / 10,000 posts / 50,000 comments take seconds.
 */
export interface SeedSizes {
  users: number;
  posts: number;
  comments: number;
  likesPerPost: number;
  followsPerUser: number;
}

export const DEMO_SIZES: SeedSizes = { users: 50, posts: 300, comments: 1_200, likesPerPost: 4, followsPerUser: 5 };
export const DEMO_PASSWORD = "password";

const BATCH = 5_000;
/** Tag links drawn per post (uniform: 2 distinct or the same twice). */
const TAGS_PER_POST = 2;
const EPOCH = Date.UTC(2026, 0, 1);
const TAGS = [
  "GraphQL",
  "TypeScript",
  "PostgreSQL",
  "Node.js",
  "Performance",
  "Redis",
  "Prisma",
  "Testing",
  "DevOps",
  "Security",
  "React",
  "Rust",
  "Go",
  "Kubernetes",
  "Observability",
  "Databases",
  "Caching",
  "API Design",
  "Open Source",
  "Career",
];
const WORDS = (
  "fast query schema cache index resolver batch loader trace metric latency throughput pool " +
  "cursor page edge node field type mutation subscription worker job queue retry timeout " +
  "backoff circuit breaker stream socket token secret deploy release migrate seed bench"
).split(" ");

export type SeedProgress = (table: string, done: number, total: number) => void;

/**
 * uniform: every user writes about as much, every tag and post is about as popular.
 * skewed: what a real community looks like (Zipf-like ranks): a few users write thousands of
 * posts and have most followers, a few tags are on most posts and a long tail on few, the newest
 * posts draw most likes and comments.
 */
export type SeedDistribution = "uniform" | "skewed";
export interface SeedOptions {
  distribution?: SeedDistribution;
}

/** Tags beyond the named ones in a skewed seed: the long tail. */
const LONG_TAIL_TAGS = 180;
/** Zipf exponent: rank k has weight 1/k^s. */
const ZIPF_EXPONENT = 1.1;

/** A small seeded PRNG (mulberry32): deterministic across runs and platforms. */
function random(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    words: (count: number) => Array.from({ length: count }, () => WORDS[Math.floor(next() * WORDS.length)]).join(" "),
  };
}

async function insertBatches(
  client: pg.ClientBase,
  table: string,
  columns: { name: string; type: string }[],
  total: number,
  row: (index: number) => unknown[],
  progress?: SeedProgress,
): Promise<void> {
  const list = columns.map((column) => `"${column.name}"`).join(", ");
  const params = columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(", ");
  const sql = `INSERT INTO "${table}" (${list}) SELECT * FROM unnest(${params}) ON CONFLICT DO NOTHING`;
  for (let start = 0; start < total; start += BATCH) {
    const end = Math.min(total, start + BATCH);
    const values: unknown[][] = columns.map(() => []);
    for (let i = start; i < end; i++) {
      for (const [c, value] of row(i).entries()) values[c]?.push(value);
    }
    await client.query(sql, values);
    progress?.(table, end, total);
  }
}

/** Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s, by binary search in the CDF. */
function zipf(n: number, draw: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cdf[k] = total += 1 / (k + 1) ** ZIPF_EXPONENT;
  return () => {
    const target = draw() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cdf[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

const at = (minutes: number) => new Date(EPOCH + minutes * 60_000).toISOString();

export async function seedDatabase(
  client: pg.ClientBase,
  sizes: SeedSizes,
  progress?: SeedProgress,
  options: SeedOptions = {},
): Promise<void> {
  const rng = random(42);
  const skewed = options.distribution === "skewed";
  const tags = skewed ? [...TAGS, ...Array.from({ length: LONG_TAIL_TAGS }, (_, i) => `Topic ${i + 1}`)] : TAGS;
  // Who writes a post, which tags it gets, which post a like or comment goes to, whom a user follows.
  // Skewed: rank 0 is user 1, the first tag, the newest post.
  const uniform = (n: number) => () => rng.int(n);
  const pickAuthor = skewed ? zipf(sizes.users, rng.next) : uniform(sizes.users);
  const pickTag = skewed ? zipf(tags.length, rng.next) : uniform(tags.length);
  const postRank = skewed ? zipf(Math.max(sizes.posts, 1), rng.next) : uniform(sizes.posts);
  const pickPost = () => sizes.posts - 1 - postRank();
  const pickFollowee = skewed ? zipf(sizes.users, rng.next) : uniform(sizes.users);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await client.query("BEGIN");
  try {
    // The counter triggers would update each parent row once per batch: count once at the end instead.
    await client.query("SET LOCAL sokudo.defer_counters = on");
    await insertBatches(
      client,
      "tags",
      [
        { name: "id", type: "int" },
        { name: "slug", type: "text" },
        { name: "name", type: "text" },
      ],
      tags.length,
      (i) => [i + 1, slugify(tags[i] as string), tags[i]],
      progress,
    );
    await insertBatches(
      client,
      "users",
      [
        { name: "id", type: "int" },
        { name: "handle", type: "text" },
        { name: "email", type: "text" },
        { name: "name", type: "text" },
        { name: "bio", type: "text" },
        { name: "password_hash", type: "text" },
        { name: "created_at", type: "timestamptz" },
        { name: "updated_at", type: "timestamptz" },
      ],
      sizes.users,
      (i) => {
        const n = i + 1;
        return [
          n,
          `user${n}`,
          `user${n}@example.com`,
          `User ${n}`,
          `I write about ${rng.words(3)}.`,
          passwordHash,
          at(n),
          at(n),
        ];
      },
      progress,
    );
    await insertBatches(
      client,
      "posts",
      [
        { name: "id", type: "int" },
        { name: "author_id", type: "int" },
        { name: "title", type: "text" },
        { name: "body", type: "text" },
        { name: "created_at", type: "timestamptz" },
        { name: "updated_at", type: "timestamptz" },
      ],
      sizes.posts,
      (i) => {
        const n = i + 1;
        const title = rng.words(4);
        return [
          n,
          1 + pickAuthor(),
          title[0]?.toUpperCase() + title.slice(1),
          rng.words(40),
          at(10_000 + n),
          at(10_000 + n),
        ];
      },
      progress,
    );
    await insertBatches(
      client,
      "_PostToTag",
      [
        { name: "A", type: "int" },
        { name: "B", type: "int" },
      ],
      sizes.posts * TAGS_PER_POST,
      // A tag drawn twice for one post is one link (ON CONFLICT DO NOTHING).
      (i) => [1 + Math.floor(i / TAGS_PER_POST), 1 + pickTag()],
      progress,
    );
    await insertBatches(
      client,
      "comments",
      [
        { name: "id", type: "int" },
        { name: "post_id", type: "int" },
        { name: "author_id", type: "int" },
        { name: "body", type: "text" },
        { name: "created_at", type: "timestamptz" },
      ],
      sizes.comments,
      (i) => [i + 1, 1 + pickPost(), 1 + rng.int(sizes.users), rng.words(12), at(100_000 + i)],
      progress,
    );
    await insertBatches(
      client,
      "likes",
      [
        { name: "user_id", type: "int" },
        { name: "post_id", type: "int" },
      ],
      sizes.posts * sizes.likesPerPost,
      // Uniform: likesPerPost on every post. Skewed: as many in all, most on the newest posts (a user
      // likes a post once, so a hot post's likes are capped by the users).
      (i) => [1 + rng.int(sizes.users), 1 + (skewed ? pickPost() : Math.floor(i / sizes.likesPerPost))],
      progress,
    );
    await insertBatches(
      client,
      "follows",
      [
        { name: "follower_id", type: "int" },
        { name: "followee_id", type: "int" },
      ],
      sizes.users * sizes.followsPerUser,
      (i) => {
        const follower = 1 + Math.floor(i / sizes.followsPerUser);
        const followee = 1 + (skewed ? pickFollowee() : (follower + 1 + rng.int(sizes.users - 1)) % sizes.users);
        return [follower, followee === follower ? (follower % sizes.users) + 1 : followee];
      },
      progress,
    );
    // Explicit ids were inserted: move the sequences past them.
    for (const table of ["users", "posts", "comments", "tags"]) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST((SELECT max(id) FROM "${table}"), 1))`,
      );
    }
    await client.query("SET LOCAL sokudo.defer_counters = off");
    await client.query(`SELECT recount_counters()`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

export async function isEmpty(client: pg.ClientBase): Promise<boolean> {
  const result = await client.query(`SELECT NOT EXISTS (SELECT 1 FROM "users") AS empty`);
  return Boolean(result.rows[0]?.empty);
}
