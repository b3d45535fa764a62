import { createClient } from "graphql-ws";
import { SignJWT } from "jose";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { createTokenService } from "../src/auth/token.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { TEST_SECRET, useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ RESPONSE_CACHE: "on" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
// A second instance on the same database, as after a restart or on another replica.
const other = await useTestServer({ RESPONSE_CACHE: "on" }, server.url);
afterAll(() => http.close());

/** A token signed with the server's own secret whose expiry is an hour past. */
const expiredToken = (userId: number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(String(userId))
    .setIssuer("sokudo")
    .setIssuedAt(Math.floor(Date.now() / 1000) - 7_200)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 3_600)
    .sign(new TextEncoder().encode(TEST_SECRET));

/** A token signed with the server's own secret, shaped as the test says (no expiry, an odd subject...). */
const craftedToken = (subject: string, options: { expires?: boolean } = {}) => {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(subject)
    .setIssuer("sokudo")
    .setIssuedAt();
  if (options.expires !== false) jwt.setExpirationTime("1h");
  return jwt.sign(new TextEncoder().encode(TEST_SECRET));
};

interface ErrorBody {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  data?: unknown;
}

async function post(authorization: string, accept = "application/json", query = "{ tags { name } }") {
  const response = await fetch(`${http.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept, authorization },
    body: JSON.stringify({ query }),
  });
  return { response, text: await response.text() };
}

function firstError(text: string) {
  return (JSON.parse(text) as ErrorBody).errors?.[0];
}

describe("a bad or expired token, on every transport", () => {
  it("HTTP: 401, WWW-Authenticate invalid_token, UNAUTHENTICATED with reason TOKEN_EXPIRED", async () => {
    const { response, text } = await post(`Bearer ${await expiredToken(1)}`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    const error = firstError(text);
    expect(error?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    expect(error?.message).toMatch(/expired/);
  });

  it("HTTP: a forged, malformed or non-Bearer token is TOKEN_INVALID", async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("1")
      .setIssuer("sokudo")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("another-secret-that-is-long-enough-for-hs256"));
    for (const authorization of [`Bearer ${forged}`, "Bearer not.a.token", "Basic Zm9vOmJhcg==", "Bearer"]) {
      const { response, text } = await post(authorization);
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
      expect(firstError(text)?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    }
  });

  it("HTTP: a valid token of a user that no longer exists is UNAUTHENTICATED", async () => {
    const gone = await signUpUser(server);
    await server.db.prisma.user.delete({
      where: { id: Number(Buffer.from(gone.id, "base64").toString().split(":")[1]) },
    });
    const result = await other.execute("{ viewer { handle } }", { token: gone.token });
    expect(result.status).toBe(401);
    expect(result.errors?.map((error) => error.extensions)).toEqual([
      { code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" },
    ]);
    const neverExisted = await createTokenService(TEST_SECRET, 3_600).sign(2_000_000_000);
    const stranger = await other.execute("{ viewer { handle } }", { token: neverExisted });
    expect(stranger.errors?.[0]?.extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
  });

  it("SSE: the same 401 and reason before any event", async () => {
    const { response, text } = await post(`Bearer ${await expiredToken(1)}`, "text/event-stream");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    expect(text).toContain('"reason":"TOKEN_EXPIRED"');
    expect(text).toContain('"code":"UNAUTHENTICATED"');
  });

  it("WebSocket (graphql-ws): an UNAUTHENTICATED error with its reason, not a 4500 close", async () => {
    const closes: number[] = [];
    const client = createClient({
      url: `${http.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await expiredToken(1)}` },
      retryAttempts: 0,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription { jobUpdated(id: "Sm9iOjE=") { status } }' },
          { next: () => undefined, error: resolve, complete: () => resolve("completed") },
        );
      });
      expect(errors).toEqual([
        expect.objectContaining({ extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" } }),
      ]);
      expect(closes).not.toContain(4500);
    } finally {
      await client.dispose();
    }
  });
});

describe("a valid token", () => {
  it("authenticates without an extra statement once its user is known", async () => {
    const user = await signUpUser(server);
    const result = await server.execute("{ viewer { handle } }", { token: user.token });
    expect(result.status).toBe(200);
    expect(result.data).toEqual({ viewer: { handle: user.handle } });
    expect(result.statements).toBe(1); // the viewer's row, nothing for the token
  });
});

describe("tokens signed with the server's secret but not as it signs them", () => {
  it.each([
    ["without an expiry", { expires: false }, "canonical"],
    ['with the subject "1.0"', {}, "1.0"],
    ['with the subject " 1"', {}, " 1"],
    ['with the subject "01"', {}, "01"],
  ])("refuses one %s with 401 TOKEN_INVALID", async (_case, options, subject) => {
    const user = await signUpUser(server);
    const id = Buffer.from(user.id, "base64").toString().split(":")[1] as string;
    const token = await craftedToken(subject === "canonical" ? id : subject.replace("1", id), options);
    const { response, text } = await post(`Bearer ${token}`, "application/json", "{ viewer { handle } }");
    expect(response.status).toBe(401);
    expect(firstError(text)?.extensions?.reason).toBe("TOKEN_INVALID");
  });
});

describe("the token service's memory of verified tokens", () => {
  afterEach(() => vi.useRealTimers());

  it("answers a token it verified with the same user, and refuses it as expired once its time is up", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const tokens = createTokenService(TEST_SECRET, 60);
    const token = await tokens.sign(42);
    expect(await tokens.check(token)).toEqual({ userId: 42 });
    expect(await tokens.check(token)).toEqual({ userId: 42 });
    vi.setSystemTime(Date.now() + 59_000);
    expect(await tokens.check(token)).toEqual({ userId: 42 });
    vi.setSystemTime(Date.now() + 1_000);
    expect(await tokens.check(token)).toEqual({ rejected: "TOKEN_EXPIRED" });
    expect(await tokens.check(token)).toEqual({ rejected: "TOKEN_EXPIRED" });
  });

  it("does not take a token verified under one secret for one under another", async () => {
    const token = await createTokenService(TEST_SECRET, 60).sign(7);
    const checked = createTokenService(TEST_SECRET, 60);
    expect(await checked.check(token)).toEqual({ userId: 7 });
    const otherSecret = createTokenService(`${TEST_SECRET}-rotated`, 60);
    expect(await otherSecret.check(token)).toEqual({ rejected: "TOKEN_INVALID" });
    // A forged copy, one character of its signature changed, is its own token: verified, refused.
    // (Not the last character: its low bits are padding, which jose's base64url decoding ignores.)
    const at = token.length - 5;
    const forged = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    expect(await checked.check(forged)).toEqual({ rejected: "TOKEN_INVALID" });
  });
});
