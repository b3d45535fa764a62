import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { migrateJobQueue } from "../src/jobs/worker.ts";
import { applyMigrations } from "../src/migrate/apply.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { OwnPostgres } from "./helpers/own-postgres.ts";
import { type GraphQLResponse, type TestServer, useTestServer } from "./helpers/server.ts";

// DATABASE_REPLICA_URLS on a real streaming replica of a primary of this file's own (the shared
// server allows no replication): with the replica's replay paused, what each reader sees tells
// where its reads went.

// afterAll hooks run last registered first: the servers close their pools, then the replica stops, then the primary.
const primary = await OwnPostgres.startPrimary();
afterAll(() => primary.remove());
await primary.query('CREATE DATABASE "sokudo"');
await applyMigrations(primary.url("sokudo"));
await migrateJobQueue(primary.url("sokudo"));
const standby = await primary.startReplica();
afterAll(() => standby.remove());
await untilStreaming();

const env = { DATABASE_REPLICA_URLS: standby.url("sokudo") };
// Cache off: every query may read from the replica. Cache on: a cacheable query's miss fills from the primary.
const uncached = await useTestServer({ ...env, RESPONSE_CACHE: "off" }, primary.url("sokudo"));
const cached = await useTestServer(env, uncached.url);
const author = await signUpUser(uncached, "replica_author");
const first = await createPost(uncached, author.token, { title: "Before the pause" });

async function untilStreaming(): Promise<void> {
  while (
    (await standby.query<{ status: string }>("SELECT status FROM pg_stat_wal_receiver"))[0]?.status !== "streaming"
  )
    await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Until the replica has replayed everything committed on the primary so far. */
async function untilReplayed(): Promise<void> {
  const [{ lsn } = { lsn: "" }] = await primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
  const caughtUp = `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`;
  while (!(await standby.query<{ done: boolean }>(caughtUp))[0]?.done) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Replay stops with everything so far replayed: the replica's last replayed commit is a moment
 * old, well within the lag at which it would be skipped.
 */
async function pauseReplay(): Promise<void> {
  await untilReplayed();
  await standby.query("SELECT pg_wal_replay_pause()");
  paused = true;
}

async function resumeReplay(): Promise<void> {
  await standby.query("SELECT pg_wal_replay_resume()");
  paused = false;
  await untilReplayed();
}

// A test that fails while replay is paused leaves the next one a replica that replays.
let paused = false;
afterEach(async () => {
  if (paused) await resumeReplay();
});

interface Feed {
  posts: { edges: { node: { id: string; title: string } }[] };
}
const FEED = "query ReplicaFeed { posts(first: 20) { edges { node { id title } } } }";
const titles = (response: GraphQLResponse<Feed>) => response.data?.posts.edges.map(({ node }) => node.title);
const readFeed = (server: TestServer, token?: string) => server.execute<Feed, Record<string, never>>(FEED, { token });

interface Comments {
  post: { comments: { edges: { node: { body: string } }[] } } | null;
}
const COMMENTS =
  "query ReplicaComments($id: ID!) { post(id: $id) { comments(first: 20) { edges { node { body } } } } }";
const bodies = (response: GraphQLResponse<Comments>) =>
  response.data?.post?.comments.edges.map(({ node }) => node.body);
const readComments = (server: TestServer, id: string) =>
  server.execute<Comments, { id: string }>(COMMENTS, { variables: { id } });

const ADD_COMMENT =
  "mutation ReplicaComment($input: AddCommentInput!) { addComment(input: $input) { ... on AddCommentPayload { comment { id } } } }";
async function addComment(server: TestServer, token: string, postId: string, body: string) {
  const result = await server.execute(ADD_COMMENT, { token, variables: { input: { postId, body } } });
  expect(result.errors).toBeUndefined();
}

const isHit = (response: GraphQLResponse<unknown>) =>
  (response.headers.get("server-timing") ?? "").includes('cache;desc="hit"');

describe("DATABASE_REPLICA_URLS", () => {
  it("reads comma-separated postgres URLs, and names no value it refuses", () => {
    expect(loadConfig({ DATABASE_REPLICA_URLS: "postgres://a/db, postgresql://b:5433/db" }).replicaUrls).toEqual([
      "postgres://a/db",
      "postgresql://b:5433/db",
    ]);
    expect(loadConfig({}).replicaUrls).toEqual([]);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: "postgres://a/db,mysql://u:s3cr3t@b/db" })).toThrow(
      /DATABASE_REPLICA_URLS \(value not shown\): comma-separated postgres/,
    );
  });

  it("serves a plain query's loaders and root lists from the replica", async () => {
    await pauseReplay();
    const unseen = await createPost(uncached, author.token, { title: "During the pause" });
    await addComment(uncached, author.token, first.id, "unseen comment");
    const [feed, comments] = await Promise.all([readFeed(uncached), readComments(uncached, first.id)]);
    expect(feed.errors).toBeUndefined();
    expect(titles(feed)).toEqual(["Before the pause"]);
    expect(bodies(comments)).toEqual([]);

    await resumeReplay();
    expect(titles(await readFeed(uncached))).toEqual([unseen.title, "Before the pause"]);
    expect(bodies(await readComments(uncached, first.id))).toEqual(["unseen comment"]);
  });

  it("shows a viewer their own write at their next request, while others read the replica", async () => {
    await pauseReplay();
    const own = await createPost(uncached, author.token, { title: "My own" });
    const mine = await readFeed(uncached, author.token);
    expect(titles(mine)?.[0]).toBe(own.title);
    expect(titles(await readFeed(uncached))).not.toContain(own.title);
    // A user a mutation created (signUp) reads at least as far as that write with their new token.
    const newcomer = await signUpUser(uncached, "replica_newcomer");
    expect(titles(await readFeed(uncached, newcomer.token))?.[0]).toBe(own.title);
    await resumeReplay();
  });

  it("fills the response cache from the primary, never with the replica's stale rows", async () => {
    const before = await readComments(cached, first.id);
    expect(isHit(await readComments(cached, first.id))).toBe(true);
    await pauseReplay();
    await addComment(cached, author.token, first.id, "fresh comment");
    const onReplica = await standby.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM comments WHERE body = 'fresh comment'",
      "sokudo",
    );
    expect(onReplica[0]?.count).toBe(0);

    const miss = await readComments(cached, first.id);
    expect(isHit(miss)).toBe(false);
    expect(bodies(miss)).toEqual([...(bodies(before) ?? []), "fresh comment"]);
    const hit = await readComments(cached, first.id);
    expect(isHit(hit)).toBe(true);
    expect(bodies(hit)).toEqual(bodies(miss));
    await resumeReplay();
  });

  it("answers from the primary when the replica is gone", async () => {
    await standby.stop("immediate");
    const [feed, comments] = await Promise.all([readFeed(uncached), readComments(uncached, first.id)]);
    expect(feed.errors).toBeUndefined();
    expect(feed.status).toBe(200);
    expect(titles(feed)).toContain("My own");
    expect(comments.errors).toBeUndefined();
    expect(bodies(comments)).toContain("fresh comment");
    const again = await readFeed(uncached);
    expect(again.errors).toBeUndefined();
    expect(titles(again)).toEqual(titles(feed));
  });
});
