import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { createClient } from "graphql-ws";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type HttpServer, listen } from "../src/http/server.ts";
import { stopProcess } from "./helpers/child-process.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { OwnRedisCluster } from "./helpers/own-redis-cluster.ts";
import { errorCodes, type GraphQLResponse, type TestServer, useTestServer } from "./helpers/server.ts";
import { startWorkerProcess, type WorkerProcess } from "./helpers/worker-process.ts";

// The deployment of issue 26 on one machine: two API instances and two `npm run worker` processes
// on one PostgreSQL and a Redis Cluster of this file's own, each with its own temporary folder and
// sharing nothing else.

// Every operation of this file, in one place.
const OPERATIONS = {
  requestReport: `mutation ManyReport { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }`,
  jobStatus: `query ManyJob($id: ID!) { job(id: $id) { status } }`,
  feed: `query ManyFeed { posts(first: 5) { edges { node { id title likeCount } } } }`,
  likePost: `mutation ManyLike($id: ID!) { likePost(input: { postId: $id }) { post { likeCount } } }`,
  addComment: `mutation ManyComment($input: AddCommentInput!) { addComment(input: $input) { ... on AddCommentPayload { comment { body } } } }`,
  commentAdded: (postId: string) => `subscription ManyCommentAdded { commentAdded(postId: "${postId}") { body } }`,
  logIn: `mutation ManyLogIn($input: LogInInput!) { logIn(input: $input) { token } }`,
};

const cluster = await OwnRedisCluster.create(3);
await cluster.start();
afterAll(() => cluster.stop());
const folders: string[] = [];
const folder = async (name: string) => {
  const dir = await mkdtemp(path.join(tmpdir(), `sokudo-many-${name}-`));
  folders.push(dir);
  return dir;
};
const env = async (name: string) => ({
  REDIS_CLUSTER_NODES: cluster.nodes,
  CACHE_KEY_PREFIX: `test:many:${process.pid}`,
  RESPONSE_CACHE: "on",
  OUTBOX_DIR: await folder(name),
});
const a = await useTestServer(await env("api-a"));
const b = await useTestServer(await env("api-b"), a.url);
const httpA: HttpServer = await listen(a.yoga, "127.0.0.1", 0);
const httpB: HttpServer = await listen(b.yoga, "127.0.0.1", 0);
const children: ChildProcess[] = [];
// Registered after the database's: runs before it is dropped.
afterAll(async () => {
  await Promise.all(children.map((child) => stopProcess(child)));
  await Promise.all([httpA.close(), httpB.close()]);
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});
// One job at a time each: a report held mid-run on one worker leaves the next to the other.
const workers: WorkerProcess[] = await Promise.all(
  ["worker-1", "worker-2"].map(async (name) =>
    startWorkerProcess(a.url, await folder(name), { WORKER_CONCURRENCY: "1" }, (child) => children.push(child)),
  ),
);

const owner = await signUpUser(a, "many_owner");
for (let i = 0; i < 3; i++) await createPost(b, owner.token, { title: `many post ${i}` });

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const isHit = (response: GraphQLResponse<unknown>) =>
  (response.headers.get("server-timing") ?? "").includes('cache;desc="hit"');

/** Holds an exclusive lock on `likes` until `release`: a report that reaches it waits, mid-job, marked running. */
async function holdLikesTable() {
  const client = new pg.Client({ connectionString: a.url });
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE likes IN ACCESS EXCLUSIVE MODE");
  return {
    async release() {
      await client.query("ROLLBACK");
      await client.end();
    },
  };
}

/** The pool of the worker running the report job `jobId`, once the job is running. */
async function runningOn(jobId: number): Promise<string> {
  const { locked_by } = await until(
    async () =>
      (
        await a.db.pool.query<{ locked_by: string | null; status: string }>(
          `SELECT q.locked_by, j.status FROM jobs j
           LEFT JOIN graphile_worker.jobs q ON q.key = 'report__generate:' || j.id
           WHERE j.id = $1`,
          [jobId],
        )
      ).rows[0] ?? { locked_by: null, status: "missing" },
    (job) => job.status === "running" && job.locked_by !== null,
    `report ${jobId} to run`,
  );
  return locked_by as string;
}

const download = (http: HttpServer, jobId: number, format: string) =>
  fetch(`${http.url}/reports/${jobId}.${format}`, { headers: { authorization: `Bearer ${owner.token}` } });

describe("two API instances and two workers on one PostgreSQL and a Redis Cluster", () => {
  it("runs one report on each worker; each downloads byte-identical from both instances", async () => {
    const likes = await holdLikesTable();
    const reports: { id: string; jobId: number; pool: string }[] = [];
    try {
      for (const server of [a, b]) {
        const requested = await server.execute<
          { requestActivityReport: { job: { id: string } } },
          Record<string, never>
        >(OPERATIONS.requestReport, { token: owner.token });
        const id = requested.data?.requestActivityReport.job.id as string;
        const jobId = Number(decodeGlobalID(id).id);
        reports.push({ id, jobId, pool: await runningOn(jobId) });
      }
    } finally {
      await likes.release();
    }
    expect(new Set(reports.map((report) => report.pool))).toEqual(new Set(workers.map((worker) => worker.poolId)));

    for (const report of reports) {
      await until(
        () =>
          a.execute<{ job: { status: string } | null }, { id: string }>(OPERATIONS.jobStatus, {
            token: owner.token,
            variables: { id: report.id },
          }),
        (status) => status.data?.job?.status === "SUCCEEDED",
        `report ${report.jobId} to succeed`,
      );
      for (const format of ["csv", "html"]) {
        const [fromA, fromB] = await Promise.all([
          download(httpA, report.jobId, format),
          download(httpB, report.jobId, format),
        ]);
        expect([fromA.status, fromB.status]).toEqual([200, 200]);
        const bytesA = Buffer.from(await fromA.arrayBuffer());
        expect(bytesA.length).toBeGreaterThan(0);
        expect(Buffer.from(await fromB.arrayBuffer()).equals(bytesA)).toBe(true);
      }
      expect(await (await download(httpB, report.jobId, "csv")).text()).toContain("many post 2");
    }
  });

  it("reads a write through A fresh through B, whose answer was a cache hit", async () => {
    interface Feed {
      posts: { edges: { node: { id: string; title: string; likeCount: number } }[] };
    }
    const readFeed = (server: TestServer) => server.execute<Feed, Record<string, never>>(OPERATIONS.feed);
    // Until each answers from the cache, its cluster client may still be connecting.
    await until(() => readFeed(a), isHit, "A to answer from the cache");
    const cached = await until(() => readFeed(b), isHit, "B to answer from the cache");
    const newest = cached.data?.posts.edges[0]?.node;
    expect(newest).toMatchObject({ title: "many post 2", likeCount: 0 });

    const liked = await a.execute(OPERATIONS.likePost, { token: owner.token, variables: { id: newest?.id } });
    expect(liked.errors).toBeUndefined();
    const fresh = await readFeed(b);
    expect(isHit(fresh)).toBe(false);
    expect(fresh.data?.posts.edges[0]?.node).toMatchObject({ id: newest?.id, likeCount: 1 });
  });

  it("pushes a comment added through A to a graphql-ws commentAdded subscriber on B", async () => {
    const post = await createPost(a, owner.token, { title: "many commented" });
    const postId = Number(decodeGlobalID(post.id).id);
    const client = createClient({ url: `${httpB.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket });
    const received: unknown[] = [];
    const unsubscribe = client.subscribe<{ commentAdded: { body: string } }>(
      { query: OPERATIONS.commentAdded(post.id) },
      { next: (result) => received.push(result), error: (error) => received.push({ error }), complete: () => {} },
    );
    try {
      await until(
        () => b.commentEvents.listeners(postId),
        (listeners) => listeners === 1,
        "B's subscription to listen",
      );
      const added = await a.execute(OPERATIONS.addComment, {
        token: owner.token,
        variables: { input: { postId: post.id, body: "through A" } },
      });
      expect(added.errors).toBeUndefined();
      await until(
        () => received.length,
        (count) => count > 0,
        "the comment to reach B's subscriber",
      );
      expect(received).toEqual([{ data: { commentAdded: { body: "through A" } } }]);
    } finally {
      unsubscribe();
      await client.dispose();
    }
  });

  it("counts failed logIns through A and B against one limit", async () => {
    const limit = a.config.rateLimits.logIn.account;
    if (!limit) throw new Error("the logIn limit per account is off");
    const logIn = (server: TestServer, password: string) =>
      server.execute(OPERATIONS.logIn, { variables: { input: { email: `${owner.handle}@example.test`, password } } });
    for (let attempt = 0; attempt < limit.points; attempt++) {
      expect(errorCodes(await logIn(attempt % 2 === 0 ? a : b, "wrong")), `attempt ${attempt + 1}`).toEqual([
        "UNAUTHENTICATED",
      ]);
    }
    for (const server of [a, b]) {
      const refused = await logIn(server, "correct horse");
      expect(refused.status).toBe(429);
      expect(errorCodes(refused)).toEqual(["RATE_LIMITED"]);
    }
  });
});
