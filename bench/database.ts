import pg from "pg";
import { seedDatabase } from "../prisma/seed.ts";
import { createDatabaseIfMissing, startEmbeddedPostgres } from "../src/embedded/postgres.ts";
import { applyMigrations } from "../src/migrate/apply.ts";

export const BENCH_SIZES = { users: 1_000, posts: 10_000, comments: 50_000, likesPerPost: 4, followsPerUser: 5 };
export const PROLIFIC_HANDLE = "prolific";
export const PROLIFIC_POSTS = 10_000;

/** BENCH_DATABASE_NAME picks another database (e.g. one per concurrent run on a shared server). */
const DATABASE_NAME = process.env.BENCH_DATABASE_NAME ?? "sokudo_bench";

/**
 * The benchmark's database (`sokudo_bench` unless BENCH_DATABASE_NAME says otherwise): on the server of BENCH_DATABASE_URL or DATABASE_URL
 * when set, else on an embedded PostgreSQL. Migrated, and seeded once (1,000 users, 10,000
 * posts, 50,000 comments, plus one user with 10,000 posts of their own).
 */
export async function prepareBenchDatabase(
  log: (line: string) => void,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  let adminUrl: string;
  let stop = async () => {};
  if (serverUrl) {
    const parsed = new URL(serverUrl);
    parsed.pathname = "/postgres";
    adminUrl = parsed.toString();
  } else {
    log("starting an embedded PostgreSQL for the benchmark (.data/bench-postgres)");
    const embedded = await startEmbeddedPostgres({
      dataDir: ".data/bench-postgres",
      port: 54331,
      database: "postgres",
    });
    adminUrl = embedded.adminUrl;
    stop = embedded.stop;
  }
  await createDatabaseIfMissing(adminUrl, DATABASE_NAME);
  const url = new URL(adminUrl);
  url.pathname = `/${DATABASE_NAME}`;
  await applyMigrations(url.toString());

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM users`);
    if (rows[0].n === 0) {
      log(`seeding ${BENCH_SIZES.users} users, ${BENCH_SIZES.posts} posts, ${BENCH_SIZES.comments} comments`);
      await seedDatabase(client, BENCH_SIZES);
    }
    const prolific = await client.query(`SELECT id FROM users WHERE handle = $1`, [PROLIFIC_HANDLE]);
    if (prolific.rowCount === 0) {
      log(`adding @${PROLIFIC_HANDLE} with ${PROLIFIC_POSTS} posts`);
      const inserted = await client.query(
        `INSERT INTO users (handle, email, name, password_hash, updated_at) VALUES ($1, $2, 'Prolific', 'x', now()) RETURNING id`,
        [PROLIFIC_HANDLE, `${PROLIFIC_HANDLE}@example.com`],
      );
      await client.query(
        `INSERT INTO posts (author_id, title, body, updated_at) SELECT $1, 'post ' || n, 'body', now() FROM generate_series(1, $2) n`,
        [inserted.rows[0].id, PROLIFIC_POSTS],
      );
    }
    // Autovacuum may be off on the server (it is on this project's machines): without a vacuum,
    // pages written by the seed or by earlier runs' write shapes are read with their dead rows and
    // no visibility map, which raised PostgreSQL's CPU per nested request by 40% (1.93 to 2.73 ms).
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
  return { url: url.toString(), stop };
}
