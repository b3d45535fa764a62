import { describe, expect, it } from "vitest";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ NODE_ENV: "production" });

describe("in production", () => {
  it("masks unexpected errors but keeps expected ones", async () => {
    const expected = await server.execute('{ user(handle: "nobody") { id } }');
    expect(expected.errors?.[0]?.message).toBe("User @nobody not found");

    // An unexpected failure: the database has gone away under the server.
    await server.db.pool.end();
    const unexpected = await server.execute("{ users(first: 1) { edges { node { id } } } }");
    expect(unexpected.errors?.[0]?.message).toBe("Unexpected error.");
    expect(JSON.stringify(unexpected)).not.toMatch(/pool|Cannot use|stack/i);
    expect(errorCodes(unexpected)).toEqual(["INTERNAL_SERVER_ERROR"]);
  });

  it("does not serve GraphiQL or suggest field names", async () => {
    const page = await server.yoga.fetch("http://sokudo.test/graphql", { headers: { accept: "text/html" } });
    expect(await page.text()).not.toContain("GraphiQL");
    const typo = await server.execute("{ userz { id } }");
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});
