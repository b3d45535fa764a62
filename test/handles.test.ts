import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations, readMigrations } from "../src/migrate/apply.ts";
import { graphql } from "./gql/index.ts";
import { SignUp, signUpUser } from "./helpers/factories.ts";
import { useTestDatabase } from "./helpers/database.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

// Handles are unique whatever their case: @Alice cannot sign up beside @alice, and a handle
// finds its user however it is spelled.

const server = await useTestServer();
const alice = await signUpUser(server, "alice");
const bob = await signUpUser(server, "bob");

const UserHandle = graphql(`
  query UserHandle($handle: String!) {
    user(handle: $handle) {
      handle
    }
  }
`);

const FollowByHandle = graphql(`
  mutation FollowByHandle($input: FollowUserInput!) {
    followUser(input: $input) {
      ... on FollowUserPayload {
        user {
          handle
        }
      }
    }
  }
`);

const signUp = (handle: string, email: string) =>
  server.execute(SignUp, { variables: { input: { email, handle, name: "Someone", password: "correct horse" } } });

describe("handles", () => {
  it("refuse a taken one, and one that differs only in case from it, with the same ConflictError (data)", async () => {
    const same = await signUp("alice", "alice2@example.test");
    const otherCase = await signUp("ALICE", "alice3@example.test");
    expect([same.errors, otherCase.errors]).toEqual([undefined, undefined]);
    const conflict = {
      __typename: "ConflictError",
      code: "CONFLICT",
      message: "User with this handle already exists",
      field: "handle",
    };
    expect(same.data?.signUp).toEqual(conflict);
    expect(otherCase.data?.signUp).toEqual(conflict);
    expect(await server.db.prisma.user.count({ where: { email: { startsWith: "alice" } } })).toBe(1);
  });

  it("find their user in any case, reading the handle as spelled first", async () => {
    const exact = await server.execute(UserHandle, { variables: { handle: "alice" } });
    expect(exact.data?.user).toEqual({ handle: "alice" });
    expect(exact.statements).toBe(1);
    const otherCase = await server.execute(UserHandle, { variables: { handle: "AlIcE" } });
    expect(otherCase.data?.user).toEqual({ handle: "alice" });
    // As spelled (none), by lower(handle), then the user's row.
    expect(otherCase.statements).toBe(3);
    const missing = await server.execute(UserHandle, { variables: { handle: "nobody" } });
    expect(errorCodes(missing)).toEqual(["NOT_FOUND"]);
  });

  it("name the user to follow in any case", async () => {
    const result = await server.execute(FollowByHandle, {
      token: bob.token,
      variables: { input: { handle: "ALICE" } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.followUser).toEqual({ user: { handle: alice.handle } });
  });

  it("make the migration that enforces them stop, naming them, while two differ only in case", async () => {
    const migration = (await readMigrations()).find((m) => m.name.endsWith("_handles_unique_ignoring_case"));
    expect(migration).toBeDefined();
    const url = await useTestDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // The database as it was before that migration, holding two such handles.
      await client.query(`DROP INDEX "users_handle_lower_key"`);
      await client.query(`DELETE FROM "_prisma_migrations" WHERE migration_name = $1`, [migration?.name]);
      await client.query(`INSERT INTO users (handle, email, name, password_hash, updated_at)
        VALUES ('Dup', 'dup1@example.test', 'D', 'x', now()), ('dup', 'dup2@example.test', 'D', 'x', now())`);
      await expect(applyMigrations(url)).rejects.toThrow(
        /differ only in case must be renamed before this migration: Dup, dup/,
      );
    } finally {
      await client.end();
    }
  });
});
