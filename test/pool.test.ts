import { describe, expect, it } from "vitest";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ DB_POOL_MAX: "1", DB_POOL_CONNECTION_TIMEOUT_MS: "300" });

describe("an exhausted connection pool", () => {
  it("makes a request wait up to the timeout, then fail with DATABASE_UNAVAILABLE; the server recovers", async () => {
    const held = await server.db.pool.connect();
    const started = performance.now();
    const result = await server.execute("{ tags { slug } }");
    const waited = performance.now() - started;
    held.release();

    expect(errorCodes(result)).toEqual(["DATABASE_UNAVAILABLE"]);
    expect(result.errors?.[0]?.message).toMatch(/database is busy/i);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(5_000);

    const after = await server.execute("{ tags { slug } }");
    expect(after.errors).toBeUndefined();
  });
});

// The pool waits longer for a connection than Prisma waits to start a transaction (2 s): Prisma's
// P2028 "Unable to start a transaction in the given time" comes first.
const patient = await useTestServer({ DB_POOL_MAX: "1", DB_POOL_CONNECTION_TIMEOUT_MS: "10000" });

describe("a write that cannot start its transaction", () => {
  it("answers DATABASE_UNAVAILABLE, not an internal error, while every connection is held", async () => {
    const held = await patient.db.pool.connect();
    const result = await patient.execute(
      'mutation { signUp(input: { email: "busy@example.test", handle: "busy_pool", name: "Busy", password: "long enough" }) { ... on AuthPayload { token } } }',
    );
    held.release();
    expect(errorCodes(result)).toEqual(["DATABASE_UNAVAILABLE"]);
  });
});
