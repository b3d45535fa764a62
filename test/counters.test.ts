import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { clientErrorForDatabaseFailure } from "../src/data/database-errors.ts";
import { waitedOn } from "./helpers/concurrent-delete.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

// Counter columns (users.post_count, follower_count, following_count; posts.like_count,
// comment_count; tags.post_count) are kept by triggers in the write's transaction. After a burst of
// concurrent writes through the API and through raw SQL on other connections, every counter equals
// count(*) of what it counts.

const server = await useTestServer({ DB_POOL_MAX: "12" });
const raw = Array.from({ length: 4 }, () => new pg.Client({ connectionString: server.url }));
await Promise.all(raw.map((client) => client.connect()));
afterAll(() => Promise.all(raw.map((client) => client.end())));

const USERS = 10;
const users = await Promise.all(Array.from({ length: USERS }, (_, i) => signUpUser(server, `counter_${i}`)));
const TAGS = ["hot", "warm", "cold"];
const posts: { id: string; owner: number }[] = [];
for (const [owner, user] of users.entries()) {
  for (let i = 0; i < 3; i++) {
    const post = await createPost(server, user.token, { tags: TAGS.slice(0, 1 + ((owner + i) % 3)) });
    posts.push({ id: post.id, owner });
  }
}
const dbId = (globalId: string) => Number(Buffer.from(globalId, "base64").toString().split(":")[1]);

/** Counters that differ from count(*), one row per mismatch. */
const DRIFT = `
  SELECT 'users.post_count' AS counter, id, post_count AS value, (SELECT count(*)::int FROM posts WHERE author_id = u.id) AS actual FROM users u
  UNION ALL SELECT 'users.follower_count', id, follower_count, (SELECT count(*)::int FROM follows WHERE followee_id = u.id) FROM users u
  UNION ALL SELECT 'users.following_count', id, following_count, (SELECT count(*)::int FROM follows WHERE follower_id = u.id) FROM users u
  UNION ALL SELECT 'posts.like_count', id, like_count, (SELECT count(*)::int FROM likes WHERE post_id = p.id) FROM posts p
  UNION ALL SELECT 'posts.comment_count', id, comment_count, (SELECT count(*)::int FROM comments WHERE post_id = p.id) FROM posts p
  UNION ALL SELECT 'tags.post_count', id, post_count, (SELECT count(*)::int FROM "_PostToTag" WHERE "B" = t.id) FROM tags t`;

const drift = async () => (await server.db.pool.query(`SELECT * FROM (${DRIFT}) AS c WHERE value <> actual`)).rows;

/** mulberry32: the same burst on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return (max: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * max);
  };
}

const MUTATIONS = {
  like: `mutation ($id: ID!) { likePost(input: { postId: $id }) { post { likeCount } } }`,
  unlike: `mutation ($id: ID!) { unlikePost(input: { postId: $id }) { post { likeCount } } }`,
  follow: `mutation ($handle: String!) { followUser(input: { handle: $handle }) { ... on FollowUserPayload { user { followerCount } } } }`,
  unfollow: `mutation ($handle: String!) { unfollowUser(input: { handle: $handle }) { user { followerCount } } }`,
  comment: `mutation ($id: ID!) { addComment(input: { postId: $id, body: "burst" }) { ... on AddCommentPayload { comment { id } } } }`,
  delete: `mutation ($id: ID!) { deletePost(input: { id: $id }) { deletedPostId } }`,
  create: `mutation { createPost(input: { title: "burst", body: "b", tags: ["hot", "burst"] }) { ... on CreatePostPayload { post { id } } } }`,
};
type Kind = keyof typeof MUTATIONS;

describe("counter columns under concurrent writes", () => {
  it("match count(*) after a burst of likes, follows, comments, creates and deletes from many clients", async () => {
    const next = random(16);
    const done: Record<string, number> = {};
    const codes: Record<string, number> = {};
    const kinds: Kind[] = ["like", "like", "unlike", "follow", "unfollow", "comment", "comment", "delete", "create"];

    // Each user is a client sending 30 operations one after another; the 10 users run at once.
    const apiClients = users.map(async (user, me) => {
      for (let n = 0; n < 30; n++) {
        const kind = kinds[next(kinds.length)] as Kind;
        const post = posts[next(posts.length)] as { id: string; owner: number };
        const other = users[(me + 1 + next(USERS - 1)) % USERS] as { handle: string };
        // Only the author may delete: a delete picks one of the user's own posts.
        const own = posts.filter((p) => p.owner === me);
        const target = kind === "delete" ? own[next(own.length)]?.id : post.id;
        if (!target) continue;
        const result = await server.execute(MUTATIONS[kind], {
          token: user.token,
          variables: { id: target, handle: other.handle },
        });
        done[kind] = (done[kind] ?? 0) + 1;
        for (const code of errorCodes(result)) codes[String(code)] = (codes[String(code)] ?? 0) + 1;
      }
    });

    // Raw SQL on four other connections, as a script or the worker would write: likes and follows
    // in and out, comments, each in its own transaction.
    const userIds = (await server.db.pool.query<{ id: number }>(`SELECT id FROM users`)).rows.map((row) => row.id);
    const rawClients = raw.map(async (client) => {
      for (let n = 0; n < 40; n++) {
        const user = userIds[next(userIds.length)] as number;
        const other = userIds[next(userIds.length)] as number;
        const post = dbId((posts[next(posts.length)] as { id: string }).id);
        const statements = [
          [`INSERT INTO likes (user_id, post_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [user, post]],
          [`DELETE FROM likes WHERE user_id = $1 AND post_id = $2`, [user, post]],
          [`INSERT INTO comments (post_id, author_id, body) VALUES ($2, $1, 'raw')`, [user, post]],
          [`INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [user, other]],
          [`DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2`, [user, other]],
        ] as const;
        const [sql, values] = statements[next(statements.length)] as (typeof statements)[number];
        try {
          await client.query(sql, [...values]);
          done.raw = (done.raw ?? 0) + 1;
        } catch (error) {
          // A post deleted meanwhile: the foreign key refuses the row, which is right. Anything else fails.
          if ((error as { code?: string }).code !== "23503") throw error;
          codes.raw_foreign_key = (codes.raw_foreign_key ?? 0) + 1;
        }
      }
    });

    await Promise.all([...apiClients, ...rawClients]);
    console.log("counter burst:", JSON.stringify({ done, errors: codes }));
    // Deadlocks or lost rows would show as internal errors; a post deleted meanwhile is NOT_FOUND.
    expect(Object.keys(codes).filter((code) => code !== "NOT_FOUND" && code !== "raw_foreign_key")).toEqual([]);
    expect(done.delete).toBeGreaterThan(0);
    expect(done.like).toBeGreaterThan(0);

    expect(await drift()).toEqual([]);
    const { rows } = await server.db.pool.query<{ counters: number; total: number }>(
      `SELECT count(*)::int AS counters, sum(value)::int AS total FROM (${DRIFT}) AS c`,
    );
    console.log("counters checked:", JSON.stringify(rows[0]));
    expect(rows[0]?.total).toBeGreaterThan(100);
  });

  it("lose no like when 20 connections like one post at the same moment", async () => {
    // A post the burst left standing.
    const post = (await server.db.pool.query<{ id: number }>(`SELECT id FROM posts ORDER BY id LIMIT 1`)).rows[0]?.id;
    const likeCount = async () =>
      (await server.db.pool.query<{ n: number }>(`SELECT like_count AS n FROM posts WHERE id = $1`, [post])).rows[0]?.n;
    const before = await likeCount();
    const likers = await server.db.pool.query<{ id: number }>(
      `INSERT INTO users (handle, email, name, password_hash, updated_at)
       SELECT 'liker' || n, 'liker' || n || '@example.test', 'Liker', 'x', now() FROM generate_series(1, 20) AS n
       RETURNING id`,
    );
    const clients = likers.rows.map(() => new pg.Client({ connectionString: server.url }));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      // Twenty transactions at once; each trigger's UPDATE waits on the post's row lock for the one before.
      await Promise.all(
        clients.map(async (client, i) => {
          await client.query("BEGIN");
          await client.query(`INSERT INTO likes (user_id, post_id) VALUES ($1, $2)`, [likers.rows[i]?.id, post]);
          await client.query("COMMIT");
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    expect(await likeCount()).toBe((before ?? Number.NaN) + 20);
    expect(await drift()).toEqual([]);
  });
});

describe("a like or unlike racing its post's deletion", () => {
  // The deletion as deletePost runs it: the post's row locked, then the post deleted with its likes.
  // The like waits on the post's row and finds it gone: NOT_FOUND, never a deadlock (an internal error).
  for (const kind of ["like", "unlike"] as const) {
    it(`${kind}Post waits for the deletion, then answers NOT_FOUND`, async () => {
      const owner = await signUpUser(server, `racer_${kind}`);
      const post = await createPost(server, owner.token);
      const postId = dbId(post.id);
      const liker = await signUpUser(server, `racing_${kind}`);
      // What the mutation changes: a like to remove, or none yet.
      if (kind === "unlike") {
        await server.db.pool.query(`INSERT INTO likes (user_id, post_id) VALUES ($1, $2)`, [dbId(liker.id), postId]);
      }
      const deleting = raw[0] as pg.Client;
      await deleting.query("BEGIN");
      let pending: Promise<unknown> | undefined;
      try {
        await deleting.query(`SELECT id FROM posts WHERE id = $1 FOR UPDATE`, [postId]);
        pending = server.execute(`mutation ($id: ID!) { ${kind}Post(input: { postId: $id }) { post { likeCount } } }`, {
          token: liker.token,
          variables: { id: post.id },
        });
        let settled = false;
        pending.then(
          () => (settled = true),
          () => (settled = true),
        );
        // Once the mutation waits on the post's row (a barrier, not a clock), the deletion goes on.
        while (!settled && !(await waitedOn(deleting))) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(settled, "the mutation waits for the post's deletion").toBe(false);
        // With the like's row taken before the post's, this is where PostgreSQL found a deadlock.
        await deleting.query(`DELETE FROM posts WHERE id = $1`, [postId]);
        await deleting.query("COMMIT");
      } catch (error) {
        await deleting.query("ROLLBACK");
        await pending;
        throw error;
      }
      expect(errorCodes((await pending) as { errors?: [] })).toEqual(["NOT_FOUND"]);
      expect(await drift()).toEqual([]);
    });
  }
});

describe("a deadlock anywhere", () => {
  it("reaches the client as DATABASE_UNAVAILABLE, asking for a retry, not as an internal error", async () => {
    // Two transactions taking two rows in opposite orders: PostgreSQL undoes one of them.
    const [first, second] = raw as [pg.Client, pg.Client];
    const [a, b] = users.map((user) => dbId(user.id));
    await first.query("BEGIN");
    await second.query("BEGIN");
    await first.query(`UPDATE users SET bio = bio WHERE id = $1`, [a]);
    await second.query(`UPDATE users SET bio = bio WHERE id = $1`, [b]);
    const outcomes = await Promise.allSettled([
      first.query(`UPDATE users SET bio = bio WHERE id = $1`, [b]),
      second.query(`UPDATE users SET bio = bio WHERE id = $1`, [a]),
    ]);
    await Promise.all([first.query("ROLLBACK"), second.query("ROLLBACK")]);
    const failures = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as Error] : []));
    expect(failures.map((error) => (error as Error & { code?: string }).code)).toEqual(["40P01"]);
    expect(clientErrorForDatabaseFailure(failures[0])?.extensions.code).toBe("DATABASE_UNAVAILABLE");
  });
});
