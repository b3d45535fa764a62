import { describe, expect, it } from "vitest";
import { USER_DELETED_CHANNEL } from "../src/auth/viewer.ts";
import { deleteDuringRequest } from "./helpers/concurrent-delete.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { TEST_REDIS_URL, useTestRedis } from "./helpers/redis.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";

// A user deleted out of band (SQL; there is no deleteAccount mutation). The users table's trigger
// announces the id; every instance forgets the user at once, so the token is refused (401
// UNAUTHENTICATED, TOKEN_INVALID) instead of being trusted for the minute users are remembered,
// and no answer cached for that user is served again. A write that raced the delete (checked the
// token just before it) answers UNAUTHENTICATED for the viewer and NOT_FOUND for a target, never
// INTERNAL_SERVER_ERROR.

const { prefix } = await useTestRedis();
const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL, CACHE_KEY_PREFIX: prefix });
const other = await useTestServer({ REDIS_URL: TEST_REDIS_URL, CACHE_KEY_PREFIX: prefix }, server.url);
const dbId = (globalId: string) => Number(Buffer.from(globalId, "base64").toString().split(":")[1]);

/** Resolves once `target` has handled the deletion of user `userId` (its handler runs after the viewers'). */
function deletionHandled(target: TestServer, userId: number): Promise<void> {
  return new Promise((resolve) =>
    target.jobEvents.onNotification(USER_DELETED_CHANNEL, (payload) => {
      if (Number(payload) === userId) resolve();
    }),
  );
}

async function deleteUser(userId: number) {
  const handled = [deletionHandled(server, userId), deletionHandled(other, userId)];
  await server.db.pool.query("DELETE FROM users WHERE id = $1", [userId]);
  await Promise.all(handled);
}

const tokenInvalid = { code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" };
const extensionsOf = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  result.errors?.map(({ extensions }) => extensions);

/** Deletes a user with its announcement still on its way: the trigger is skipped in this session. */
async function deleteUnannounced(userId: string) {
  const session = await server.db.pool.connect();
  try {
    await session.query("SET session_replication_role = replica");
    await session.query("DELETE FROM users WHERE id = $1", [dbId(userId)]);
    await session.query("RESET session_replication_role");
  } finally {
    session.release();
  }
}

describe("a deleted user's token", () => {
  it("viewer answers 401 TOKEN_INVALID on every instance right after the delete, not null", async () => {
    const user = await signUpUser(server);
    for (const target of [server, other]) {
      expect((await target.execute("{ viewer { handle } }", { token: user.token })).data).toEqual({
        viewer: { handle: user.handle },
      });
    }
    await deleteUser(dbId(user.id));
    for (const target of [server, other]) {
      const result = await target.execute("{ viewer { handle } }", { token: user.token });
      expect(result.status).toBe(401);
      expect(result.data ?? null).toBeNull();
      expect(extensionsOf(result)).toEqual([tokenInvalid]);
    }
  });

  it("an answer cached for the user (per viewer) is not served after the delete", async () => {
    const user = await signUpUser(server);
    const query = "{ viewer { handle email } }";
    await server.execute(query, { token: user.token });
    const cached = await other.execute(query, { token: user.token });
    expect(cached.headers.get("server-timing")).toContain('cache;desc="hit"');
    expect(cached.data).toEqual({ viewer: { handle: user.handle, email: `${user.handle}@example.test` } });
    await deleteUser(dbId(user.id));
    for (const target of [server, other]) {
      const result = await target.execute(query, { token: user.token });
      expect(result.status).toBe(401);
      expect(JSON.stringify(result)).not.toContain(user.handle);
      expect(extensionsOf(result)).toEqual([tokenInvalid]);
    }
  });

  it("a user remembered from sign-up alone (no request yet) is forgotten too", async () => {
    const user = await signUpUser(server);
    await deleteUser(dbId(user.id));
    const again = await server.execute("{ viewer { handle } }", { token: user.token });
    expect(extensionsOf(again)).toEqual([tokenInvalid]);
  });
});

const author = await signUpUser(server);

describe("a write racing the delete: the token was checked, the row is gone when the write lands", () => {
  const writes: Record<string, (target: { token: string; postId: string; handle: string }) => string> = {
    likePost: ({ postId }) => `mutation { likePost(input: { postId: "${postId}" }) { post { id } } }`,
    addComment: ({ postId }) =>
      `mutation { addComment(input: { postId: "${postId}", body: "hi" }) { ... on AddCommentPayload { comment { id } } } }`,
    createPost: () =>
      `mutation { createPost(input: { title: "t", body: "b" }) { ... on CreatePostPayload { post { id } } } }`,
    followUser: ({ handle }) =>
      `mutation { followUser(input: { handle: "${handle}" }) { ... on FollowUserPayload { user { id } } } }`,
    requestActivityReport: () =>
      `mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }`,
  };

  for (const [name, operation] of Object.entries(writes)) {
    it(`${name}: the viewer deleted is UNAUTHENTICATED (TOKEN_INVALID)`, async () => {
      const viewer = await signUpUser(server);
      const post = await createPost(server, author.token);
      // The instance knows the viewer (signed up here): the request passes the check with no SQL.
      const result = await deleteDuringRequest(
        server.url,
        { sql: "DELETE FROM users WHERE id = $1", values: [dbId(viewer.id)] },
        () =>
          server.execute(operation({ token: viewer.token, postId: post.id, handle: author.handle }), {
            token: viewer.token,
          }),
      );
      expect(extensionsOf(result)).toEqual([tokenInvalid]);
    });
  }

  for (const name of ["addComment", "createPost"] as const) {
    it(`${name}: a deletion not heard yet (the row gone before the write starts) is UNAUTHENTICATED too`, async () => {
      const viewer = await signUpUser(server);
      const post = await createPost(server, author.token);
      await deleteUnannounced(viewer.id);
      const result = await server.execute(writes[name]?.({ token: viewer.token, postId: post.id, handle: "" }) ?? "", {
        token: viewer.token,
      });
      expect(extensionsOf(result)).toEqual([tokenInvalid]);
    });
  }

  it("viewer: a deletion not heard yet is UNAUTHENTICATED, not null", async () => {
    const viewer = await signUpUser(server);
    await deleteUnannounced(viewer.id);
    const result = await server.execute("{ viewer { handle } }", { token: viewer.token });
    expect(extensionsOf(result)).toEqual([tokenInvalid]);
  });

  const targets = {
    likePost: { table: "posts", entity: "Post" },
    addComment: { table: "posts", entity: "Post" },
    followUser: { table: "users", entity: "User" },
  } as const;
  for (const [name, { table }] of Object.entries(targets)) {
    it(`${name}: the target deleted is NOT_FOUND`, async () => {
      const viewer = await signUpUser(server);
      const followee = await signUpUser(server);
      const post = await createPost(server, followee.token);
      const id = table === "posts" ? dbId(post.id) : dbId(followee.id);
      const result = await deleteDuringRequest(
        server.url,
        { sql: `DELETE FROM ${table} WHERE id = $1`, values: [id] },
        () =>
          server.execute(writes[name]?.({ token: viewer.token, postId: post.id, handle: followee.handle }) ?? "", {
            token: viewer.token,
          }),
      );
      expect(result.errors?.map(({ extensions }) => extensions?.code)).toEqual(["NOT_FOUND"]);
    });
  }
});
