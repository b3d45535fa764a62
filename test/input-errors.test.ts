import { createServer, type Server, type Socket, connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { freePort } from "./helpers/free-port.ts";
import { useTestDatabase } from "./helpers/database.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** A TCP proxy in front of PostgreSQL that the test can cut (connections dropped, port closed) and restore. */
class CuttableProxy {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  readonly port: number;
  readonly target: { host: string; port: number };
  constructor(port: number, target: { host: string; port: number }) {
    this.port = port;
    this.target = target;
  }

  async open(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("close", () => this.#sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.#server?.listen(this.port, "127.0.0.1", resolve));
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server?.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

const direct = new URL(await useTestDatabase());
const proxy = new CuttableProxy(await freePort(), { host: direct.hostname, port: Number(direct.port || 5432) });
await proxy.open();
afterAll(() => proxy.cut());
const proxied = new URL(direct);
proxied.port = String(proxy.port);
const server = await useTestServer({ RESPONSE_CACHE: "off", DB_POOL_CONNECTION_TIMEOUT_MS: "2000" }, proxied.href);

describe("bad input is a coded client error, never an internal one", () => {
  it("refuses U+0000 in literals and variables at the edge with 400", async () => {
    for (const [query, variables] of [
      ['{ user(handle: "a\\u0000b") { id } }', {}],
      ["query ($h: String!) { user(handle: $h) { id } }", { h: "a\u0000" }],
      ["mutation ($i: LogInInput!) { logIn(input: $i) { token } }", { i: { email: "a\u0000@b.c", password: "x" } }],
    ] as const) {
      const result = await server.execute(query, { variables });
      expect([result.status, errorCodes(result)]).toEqual([400, ["BAD_USER_INPUT"]]);
      expect(result.statements).toBe(0);
    }
  });

  it("refuses variables nested deeper than 16 levels with 400, before anything walks them", async () => {
    // Sent as raw text: a 5,000-deep value is more than JSON.stringify itself can walk.
    const response = await server.yoga.fetch("http://sokudo.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"query":"query ($h: String!) { user(handle: $h) { id } }","variables":{"h":${"[".repeat(5_000)}${"]".repeat(5_000)}}}`,
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect([response.status, body.errors.map((error) => error.extensions.code)]).toEqual([400, ["BAD_USER_INPUT"]]);
  });

  it("answers node/nodes with null and NOT_FOUND for missing ids and an error for malformed ones, siblings intact", async () => {
    const { id } = await signUpUser(server);
    const missing = await server.execute(`{ node(id: "${b64("User:999999")}") { id } }`);
    expect(missing.errors?.map((error) => error.extensions?.code)).toEqual(["NOT_FOUND"]);
    expect(missing.data).toEqual({ node: null });
    const ids = [id, "garbage", b64("User:999999"), b64("Post:2147483648"), b64("Nope:1")];
    const result = await server.execute<{ nodes: ({ id: string } | null)[] }, unknown>(
      "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
      { variables: { ids } },
    );
    expect(result.data?.nodes).toEqual([{ id }, null, null, null, null]);
    expect(result.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
      ["BAD_USER_INPUT", ["nodes", 1]],
      ["NOT_FOUND", ["nodes", 2]],
      ["BAD_USER_INPUT", ["nodes", 3]],
      ["BAD_USER_INPUT", ["nodes", 4]],
    ]);
  });

  it("refuses ids and cursors PostgreSQL cannot hold as BAD_USER_INPUT", async () => {
    const { token } = await signUpUser(server);
    const post = (await createPost(server, token)) as { id: string };
    for (const query of [
      `mutation { likePost(input: { postId: "${b64("Post:9999999999")}" }) { post { id } } }`,
      `{ users(after: "${b64("GPC:N:99999999999999999999")}") { edges { node { id } } } }`,
      `{ users(after: "garbage") { edges { node { id } } } }`,
      `{ post(id: "${post.id}") { comments(after: "zzz") { edges { node { id } } } } }`,
      `{ users(first: -1) { edges { node { id } } } }`,
    ]) {
      const result = await server.execute(query, { token });
      expect(errorCodes(result), query).toEqual(["BAD_USER_INPUT"]);
    }
  });

  it("answers a GET whose variables are not JSON with 400 BAD_REQUEST", async () => {
    const response = await server.yoga.fetch(
      `http://sokudo.test/graphql?query=${encodeURIComponent("{ tags { id } }")}&variables=%7Bnope`,
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe("BAD_REQUEST");
  });
});

describe("while the database is unreachable", () => {
  it("answers DATABASE_UNAVAILABLE, then recovers", async () => {
    expect((await server.execute("{ users(first: 1) { edges { node { id } } } }")).errors).toBeUndefined();
    await proxy.cut();
    try {
      const result = await server.execute("{ users(first: 1) { edges { node { id } } } }");
      expect(errorCodes(result)).toEqual(["DATABASE_UNAVAILABLE"]);
      const mutation = await server.execute(
        'mutation { logIn(input: { email: "a@b.c", password: "12345678" }) { token } }',
      );
      expect(errorCodes(mutation)).toEqual(["DATABASE_UNAVAILABLE"]);
    } finally {
      await proxy.open();
    }
    expect((await server.execute("{ users(first: 1) { edges { node { id } } } }")).errors).toBeUndefined();
  });
});
