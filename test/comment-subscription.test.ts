import { decodeGlobalID } from "@pothos/plugin-relay";
import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type HttpServer, listen } from "../src/http/server.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";
import { type SseEvent, sseEvents } from "./helpers/sse.ts";

// Two API instances on one database, sharing nothing else: a commentAdded subscriber on B hears of
// comments written through A or by plain SQL (as the worker would), and of those written while
// B's LISTEN connection was lost, once it is back.

// B reconnects its LISTEN connection only when the test opens the gate.
let gate = Promise.resolve();
const a = await useTestServer({ RESPONSE_CACHE: "off" });
const b = await useTestServer({ RESPONSE_CACHE: "off" }, a.url, { jobEvents: { backoff: () => gate } });
const httpB: HttpServer = await listen(b.yoga, "127.0.0.1", 0);
afterAll(() => httpB.close());
const writer = await signUpUser(a, "live_writer");
const writerId = Number(decodeGlobalID(writer.id).id);

interface Received {
  body: string;
  author?: { handle: string } | null;
  post?: { commentCount: number };
}

const SELECTION = `{ body author { handle } }`;

async function until(condition: () => boolean) {
  for (let attempt = 0; attempt < 400 && !condition(); attempt++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error("condition never held");
}

/** A post, and a graphql-ws subscription to it on B that is listening when this resolves. */
async function subscribeOverWebSocket(selection = SELECTION) {
  const post = await createPost(a, writer.token);
  const postId = Number(decodeGlobalID(post.id).id);
  const client = createClient({ url: `${httpB.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket });
  const received: Received[] = [];
  const failures: unknown[] = [];
  const unsubscribe = client.subscribe<{ commentAdded: Received }>(
    { query: `subscription { commentAdded(postId: "${post.id}") ${selection} }` },
    {
      next: (result) => result.data && received.push(result.data.commentAdded),
      error: (error) => failures.push(error),
      complete: () => {},
    },
  );
  await until(() => b.commentEvents.listeners(postId) === 1);
  return {
    post,
    postId,
    received,
    failures,
    close: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}

/** The first thing a graphql-ws subscription to B answers: a result, or the errors it fails with. */
async function subscribeOnce(query: string): Promise<unknown> {
  const client = createClient({ url: `${httpB.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket });
  try {
    return await new Promise<unknown>((resolve) => {
      client.subscribe({ query }, { next: (result) => resolve([result]), error: resolve, complete: () => {} });
    });
  } finally {
    await client.dispose();
  }
}

const addComment = (server: TestServer, postId: string, body: string) =>
  server.execute(
    `mutation($input: AddCommentInput!) { addComment(input: $input) { ... on AddCommentPayload { comment { body } } } }`,
    {
      token: writer.token,
      variables: { input: { postId, body } },
    },
  );

const insertComments = (postId: number, ...bodies: string[]) =>
  a.db.pool.query(`INSERT INTO comments (post_id, author_id, body) SELECT $1, $2, unnest($3::text[])`, [
    postId,
    writerId,
    bodies,
  ]);

const expected = (...bodies: string[]) => bodies.map((body) => ({ body, author: { handle: writer.handle } }));

describe("commentAdded across instances", () => {
  it("pushes a comment added on instance A to a graphql-ws subscriber on instance B", async () => {
    const subscription = await subscribeOverWebSocket();
    expect((await addComment(a, subscription.post.id, "first through A")).errors).toBeUndefined();
    await until(() => subscription.received.length === 1);
    expect(subscription.received).toEqual(expected("first through A"));
    await subscription.close();
    await until(() => b.commentEvents.listeners(subscription.postId) === 0);
  });

  it("pushes comments inserted by plain SQL, as the worker would write them, in id order", async () => {
    const subscription = await subscribeOverWebSocket();
    await insertComments(subscription.postId, "sql one", "sql two");
    await insertComments(subscription.postId, "sql three");
    await until(() => subscription.received.length === 3);
    expect(subscription.received).toEqual(expected("sql one", "sql two", "sql three"));
    expect(subscription.failures).toEqual([]);
    await subscription.close();
  });

  it("reads each comment's post afresh, not as the first event loaded it", async () => {
    const subscription = await subscribeOverWebSocket(`{ body post { commentCount } }`);
    await addComment(a, subscription.post.id, "one");
    await until(() => subscription.received.length === 1);
    await addComment(a, subscription.post.id, "two");
    await until(() => subscription.received.length === 2);
    expect(subscription.received.map((comment) => comment.post?.commentCount)).toEqual([1, 2]);
    await subscription.close();
  });

  it("pushes a comment that commits after one with a higher id", async () => {
    const subscription = await subscribeOverWebSocket();
    // Two inserts on one post queue on its counter's row lock at the end of their statements,
    // after each took its id: the one that took the lower id can commit second. As here:
    const { rows } = await a.db.pool.query<{ id: string }>(
      `SELECT nextval(pg_get_serial_sequence('comments', 'id')) AS id`,
    );
    await insertComments(subscription.postId, "higher id, sooner");
    await until(() => subscription.received.length === 1);
    await a.db.pool.query(
      `INSERT INTO comments (id, post_id, author_id, body) VALUES ($1, $2, $3, 'lower id, later')`,
      [rows[0]?.id, subscription.postId, writerId],
    );
    await until(() => subscription.received.length === 2);
    expect(subscription.received).toEqual(expected("higher id, sooner", "lower id, later"));
    await subscription.close();
  });

  it("delivers the comments added while B's LISTEN connection was lost once it is back, in order, none twice", async () => {
    const subscription = await subscribeOverWebSocket();
    await addComment(a, subscription.post.id, "before the loss");
    await until(() => subscription.received.length === 1);

    let openGate = () => {};
    gate = new Promise<void>((resolve) => (openGate = resolve));
    const database = new URL(b.url).pathname.slice(1);
    await b.db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'sokudo-job-events' AND datname = $1`,
      [database],
    );
    await until(() => !b.jobEvents.listening);
    // Not heard by B: announced while it does not listen.
    await addComment(a, subscription.post.id, "gap one");
    await insertComments(subscription.postId, "gap two", "gap three");

    openGate();
    await until(() => subscription.received.length === 4);
    // One more after the gap: had anything come twice, it would arrive before this one.
    await addComment(a, subscription.post.id, "after the gap");
    await until(() => subscription.received.length >= 5);
    expect(subscription.received).toEqual(
      expected("before the loss", "gap one", "gap two", "gap three", "after the gap"),
    );
    expect(b.jobEvents.listening).toBe(true);
    await subscription.close();
  });

  it("works over SSE and completes the stream when the post is deleted", async () => {
    const post = await createPost(a, writer.token);
    const postId = Number(decodeGlobalID(post.id).id);
    const response = await fetch(`${httpB.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: `subscription { commentAdded(postId: "${post.id}") ${SELECTION} }` }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events: SseEvent[] = [];
    const done = (async () => {
      for await (const event of sseEvents(response)) events.push(event);
    })();
    await until(() => b.commentEvents.listeners(postId) === 1);
    await addComment(a, post.id, "over SSE");
    await until(() => events.length === 1);
    expect(JSON.parse(events[0]?.data ?? "")).toEqual({ data: { commentAdded: expected("over SSE")[0] } });

    const deleted = await a.execute(
      `mutation($input: DeletePostInput!) { deletePost(input: $input) { deletedPostId } }`,
      {
        token: writer.token,
        variables: { input: { id: post.id } },
      },
    );
    expect(deleted.errors).toBeUndefined();
    await done;
    expect(events.map((event) => event.event)).toEqual(["next", "complete"]);
  });

  it("answers NOT_FOUND for a post that does not exist", async () => {
    const missing = Buffer.from("Post:999999999").toString("base64");
    expect(await subscribeOnce(`subscription { commentAdded(postId: "${missing}") { body } }`)).toMatchObject([
      { errors: [{ message: "Post not found", extensions: { code: "NOT_FOUND" } }] },
    ]);
  });

  it("refuses a subscription over the cost limit before it runs, as any other operation", async () => {
    const post = await createPost(a, writer.token);
    // 20 aliases of 100 comments, each with its post's 100 comments: 20 x 100 x 100 nodes and more.
    const page = (inner: string) => `comments(first: 100) { edges { node { ${inner} } } }`;
    const wide = Array.from({ length: 20 }, (_, i) => `c${i}: ${page(`post { ${page("body")} }`)}`).join(" ");
    const query = `subscription { commentAdded(postId: "${post.id}") { post { ${wide} } } }`;
    expect(await subscribeOnce(query)).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "COST_LIMIT_EXCEEDED" }) }),
    ]);
  });
});
