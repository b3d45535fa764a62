// Scale: the same operations on the same server build against databases at 1x, 10x and 100x the
// default seed (DEMO_SIZES). An operation's cost should follow the page it returns, not the size
// of the tables: SQL time, req/s and p99 should stay flat from one size to the next.
// BENCH_SCALE_SIZES=1,10,50 picks the multipliers; BENCH_SCALE_DISTRIBUTION=skewed seeds a
// skewed community (prolific users, popular tags, hot posts) instead of a uniform one.
import pg from "pg";
import { DEMO_SIZES, type SeedSizes, seedDatabase } from "../prisma/seed.ts";
import { migrateJobQueue } from "../src/jobs/worker.ts";
import { applyMigrations } from "../src/migrate/apply.ts";
import { load, SECONDS, type Server, startServer } from "./servers.ts";

const SIZES = (process.env.BENCH_SCALE_SIZES ?? "1,10,100").split(",").map((size) => Number(size.trim()));
const DISTRIBUTION = process.env.BENCH_SCALE_DISTRIBUTION === "skewed" ? "skewed" : "uniform";
const PORT = 4660;
/** Requests whose Server-Timing SQL time gives the median per operation. */
const SAMPLES = 30;

/** The operation of issue 16: users, their posts with counts, tags and comments; response cache off. */
export const SCALE_READ = `query ScaleRead { users(first: 20) { edges { node { handle postCount posts(first: 5) { edges { node { title likeCount commentCount tags { slug name postCount } comments(first: 5) { edges { node { body author { handle } } } } } } } } } } }`;
/** A write that always writes: a comment on the newest post, which bumps its comment count. */
const scaleWrite = (postId: string) =>
  `mutation ScaleWrite { addComment(input: { postId: "${postId}", body: "scale" }) { ... on AddCommentPayload { comment { id post { commentCount } } } } }`;

/** Ordered and searched lists (issue 25): a deep keyset page of the most liked posts, and a search for a common word. */
const mostLikedPage = (after: string) =>
  `query ScaleMostLiked { posts(first: 20, orderBy: MOST_LIKED, after: "${after}") { edges { node { title likeCount author { handle } } } } }`;
const SCALE_SEARCH = `query ScaleSearch { posts(first: 20, search: "cache") { edges { node { title author { handle } } } } }`;

interface Measured {
  sqlMs: number;
  /** Response size: the page is not full on a small database, so the bytes returned differ too. */
  bytes: number;
  statements: number;
  rps: number;
  p99: number;
  errors: number;
}

export interface ScaleRow {
  multiplier: number;
  sizes: SeedSizes;
  seedSeconds: number;
  read: Measured;
  write: Measured;
  mostLiked: Measured;
  search: Measured;
}

function scaled(multiplier: number): SeedSizes {
  return {
    ...DEMO_SIZES,
    users: DEMO_SIZES.users * multiplier,
    posts: DEMO_SIZES.posts * multiplier,
    comments: DEMO_SIZES.comments * multiplier,
  };
}

/** A fresh database for one size, migrated and seeded; returns its URL and the seed's time. */
async function prepare(serverUrl: string, multiplier: number, log: (line: string) => void) {
  const admin = new URL(serverUrl);
  admin.pathname = "/postgres";
  const name = `sokudo_scale_${multiplier}x`;
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  try {
    await adminClient.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminClient.query(`CREATE DATABASE "${name}"`);
  } finally {
    await adminClient.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  // signUp enqueues a welcome email: the job queue's schema must be there.
  await migrateJobQueue(url.toString());
  const sizes = scaled(multiplier);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const started = performance.now();
    await seedDatabase(client, sizes, undefined, { distribution: DISTRIBUTION });
    const seedSeconds = (performance.now() - started) / 1000;
    await client.query("ANALYZE");
    log(
      `${multiplier}x: ${sizes.users} users, ${sizes.posts} posts, ${sizes.comments} comments (${DISTRIBUTION}) seeded in ${seedSeconds.toFixed(1)} s`,
    );
    return { url: url.toString(), sizes, seedSeconds };
  } finally {
    await client.end();
  }
}

async function post(server: Server, query: string, token?: string) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(`${server.name}: ${JSON.stringify(body.errors)}`);
  const timing = response.headers.get("server-timing") ?? "";
  return {
    data: body.data,
    bytes: JSON.stringify(body).length,
    sqlMs: Number(timing.match(/sql;dur=([\d.]+)/)?.[1]),
    statements: Number(timing.match(/desc="(\d+) statement/)?.[1]),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function measure(server: Server, query: string, token?: string): Promise<Measured> {
  const samples = [];
  for (let i = 0; i < SAMPLES; i++) samples.push(await post(server, query, token));
  const result = await load(server, query, token ? { authorization: `Bearer ${token}` } : {});
  return {
    sqlMs: median(samples.map((sample) => sample.sqlMs)),
    bytes: samples[0]?.bytes ?? 0,
    statements: samples[0]?.statements ?? 0,
    rps: result.rps,
    p99: result.p99,
    errors: result.errors,
  };
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

export async function runScaleBench(databaseUrl: string, log: (line: string) => void): Promise<ScaleRow[]> {
  log(`\n## scale: the same read and write at ${SIZES.map((size) => `${size}x`).join(", ")} the default seed`);
  log(`   read:  ${SCALE_READ}`);
  log(`   write: addComment on the newest post (bumps its commentCount); response cache off`);
  log(`   SQL ms = median Server-Timing sql;dur of ${SAMPLES} sequential requests; req/s and p99 over ${SECONDS} s\n`);
  const rows: ScaleRow[] = [];
  for (const multiplier of SIZES) {
    const database = await prepare(databaseUrl, multiplier, log);
    const server = await startServer(`scale-${multiplier}x`, ["src/main.ts", "serve"], PORT, database.url, {
      RESPONSE_CACHE: "off",
      CACHE_KEY_PREFIX: `bench-scale:${Date.now()}`,
    });
    try {
      const signUp = (await post(
        server,
        `mutation { signUp(input: { email: "scale@example.test", handle: "scalebench", name: "Scale", password: "scale bench password" }) { ... on AuthPayload { token } } }`,
      )) as { data: { signUp: { token: string } } };
      const token = signUp.data.signUp.token;
      const newest = (await post(server, `{ posts(first: 1) { edges { node { id } } } }`)) as {
        data: { posts: { edges: { node: { id: string } }[] } };
      };
      const postId = newest.data.posts.edges[0]?.node.id as string;
      await post(server, SCALE_READ); // warm
      const read = await measure(server, SCALE_READ);
      const write = await measure(server, scaleWrite(postId), token);
      const deep = (await post(server, `{ posts(first: 100, orderBy: MOST_LIKED) { pageInfo { endCursor } } }`)) as {
        data: { posts: { pageInfo: { endCursor: string } } };
      };
      const mostLiked = await measure(server, mostLikedPage(deep.data.posts.pageInfo.endCursor));
      const search = await measure(server, SCALE_SEARCH);
      rows.push({
        multiplier,
        sizes: database.sizes,
        seedSeconds: database.seedSeconds,
        read,
        write,
        mostLiked,
        search,
      });
    } finally {
      server.process.kill("SIGTERM");
      await new Promise((resolve) => server.process.once("exit", resolve));
    }
  }

  log(
    `\n size   posts     seed s |  read: SQL ms  stmts   bytes   req/s   p99 ms | write: SQL ms  stmts   req/s   p99 ms`,
  );
  for (const row of rows) {
    log(
      `${pad(`${row.multiplier}x`, 5)} ${pad(row.sizes.posts, 7)} ${pad(row.seedSeconds.toFixed(1), 10)} | ${pad(row.read.sqlMs.toFixed(2), 12)} ${pad(row.read.statements, 6)} ${pad(row.read.bytes, 7)} ${pad(row.read.rps.toFixed(1), 7)} ${pad(row.read.p99, 8)} | ${pad(row.write.sqlMs.toFixed(2), 13)} ${pad(row.write.statements, 6)} ${pad(row.write.rps.toFixed(1), 7)} ${pad(row.write.p99, 8)}${row.read.errors + row.write.errors > 0 ? `   errors ${row.read.errors + row.write.errors}` : ""}`,
    );
  }
  log(
    `\n lists | most liked, posts 101-120: SQL ms  stmts   req/s   p99 ms | search "cache": SQL ms  stmts   req/s   p99 ms`,
  );
  for (const row of rows) {
    log(
      `${pad(`${row.multiplier}x`, 6)} | ${pad(row.mostLiked.sqlMs.toFixed(2), 33)} ${pad(row.mostLiked.statements, 6)} ${pad(row.mostLiked.rps.toFixed(1), 7)} ${pad(row.mostLiked.p99, 8)} | ${pad(row.search.sqlMs.toFixed(2), 21)} ${pad(row.search.statements, 6)} ${pad(row.search.rps.toFixed(1), 7)} ${pad(row.search.p99, 8)}${row.mostLiked.errors + row.search.errors > 0 ? `   errors ${row.mostLiked.errors + row.search.errors}` : ""}`,
    );
  }
  const first = rows[0];
  const last = rows.at(-1);
  if (first && last && last !== first) {
    log(
      `\n${last.multiplier}x vs ${first.multiplier}x: read SQL ${(last.read.sqlMs / first.read.sqlMs).toFixed(2)}x, req/s ${(last.read.rps / first.read.rps).toFixed(2)}x, p99 ${(last.read.p99 / first.read.p99).toFixed(2)}x; write SQL ${(last.write.sqlMs / first.write.sqlMs).toFixed(2)}x, req/s ${(last.write.rps / first.write.rps).toFixed(2)}x, p99 ${(last.write.p99 / first.write.p99).toFixed(2)}x (target: within 1.5x)`,
    );
    log(
      `${last.multiplier}x vs ${first.multiplier}x: most liked SQL ${(last.mostLiked.sqlMs / first.mostLiked.sqlMs).toFixed(2)}x, req/s ${(last.mostLiked.rps / first.mostLiked.rps).toFixed(2)}x; search SQL ${(last.search.sqlMs / first.search.sqlMs).toFixed(2)}x, req/s ${(last.search.rps / first.search.rps).toFixed(2)}x`,
    );
  }
  return rows;
}
