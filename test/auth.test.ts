import { describe, expect, it } from "vitest";
import { graphql } from "./gql/index.ts";
import { answered, SignUp, signUpUser } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const server = await useTestServer();

const LogIn = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      token
      user {
        handle
        email
      }
    }
  }
`);

const Viewer = graphql(`
  query Viewer {
    viewer {
      handle
      email
    }
  }
`);

/** "analytical engine", as the previous version stored it: scrypt N=2^14, r=8, p=1, in its own format. */
const LEGACY_HASH =
  "scrypt$16384$8$1$MLALuDEU2blCLC6ckF6glg==$/jAdhyb6A3BcCOqXZNIcbJ02lP2v0aFAAQIApAs2tbTSj5Z6PY14u17lfXHYOaAqF308g2bSzPeYSNRGPz9lCg==";

const input = (overrides: Partial<{ email: string; handle: string; name: string; password: string }> = {}) => ({
  email: "ada@example.test",
  handle: "ada",
  name: "Ada Lovelace",
  password: "analytical engine",
  ...overrides,
});

describe("signUp and logIn", () => {
  it("signs up, returns a token that identifies the new user, and stores no plain password", async () => {
    const result = await server.execute(SignUp, { variables: { input: input() } });
    expect(result.errors).toBeUndefined();
    const signedUp = answered(result.data?.signUp, "AuthPayload");
    expect(signedUp.user).toMatchObject({ handle: "ada", email: "ada@example.test" });
    const viewer = await server.execute(Viewer, { token: signedUp.token });
    expect(viewer.data?.viewer).toEqual({ handle: "ada", email: "ada@example.test" });
    const stored = await server.db.prisma.user.findUniqueOrThrow({ where: { handle: "ada" } });
    expect(stored.passwordHash).not.toContain("analytical engine");
    // argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane), its parameters in the PHC string.
    expect(stored.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it("logs in with the right password, case-insensitively on the email", async () => {
    const result = await server.execute(LogIn, {
      variables: { input: { email: "ADA@example.test", password: "analytical engine" } },
    });
    expect(result.data?.logIn.user.handle).toBe("ada");
    const viewer = await server.execute(Viewer, { token: result.data?.logIn.token });
    expect(viewer.data?.viewer?.handle).toBe("ada");
  });

  it.each([
    ["a wrong password", { email: "ada@example.test", password: "difference engine" }],
    ["an unknown email", { email: "nobody@example.test", password: "analytical engine" }],
  ])("refuses %s with UNAUTHENTICATED and the same message", async (_case, credentials) => {
    const result = await server.execute(LogIn, { variables: { input: credentials } });
    expect(result.data).toBeNull();
    expect(errorCodes(result)).toEqual(["UNAUTHENTICATED"]);
    expect(result.errors?.[0]?.message).toBe("Wrong email or password");
  });

  it.each([
    ["a duplicate handle", input({ email: "other@example.test" }), "handle"],
    ["a duplicate email", input({ handle: "other" }), "email"],
  ])("answers %s with a ConflictError naming the field (data, no GraphQL error)", async (_case, values, field) => {
    const result = await server.execute(SignUp, { variables: { input: values } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.signUp).toEqual({
      __typename: "ConflictError",
      code: "CONFLICT",
      message: `User with this ${field} already exists`,
      field,
    });
  });

  it.each([
    ["a bad email", input({ email: "not-an-email", handle: "x_1" }), "email"],
    ["a short handle", input({ handle: "ab" }), "handle"],
    ["a handle with spaces", input({ handle: "a b c" }), "handle"],
    ["an empty name", input({ name: "   ", handle: "x_2", email: "x2@example.test" }), "name"],
    ["an over-long name", input({ name: "n".repeat(101), handle: "x_3", email: "x3@example.test" }), "name"],
    ["a short password", input({ password: "short", handle: "x_4", email: "x4@example.test" }), "password"],
  ])("answers %s with an InputError at the field (data, no GraphQL error)", async (_case, values, field) => {
    const result = await server.execute(SignUp, { variables: { input: values } });
    expect(result.errors).toBeUndefined();
    const error = answered(result.data?.signUp, "InputError");
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.issues.map((issue) => issue.path)).toEqual([[field]]);
    expect(error.message).toContain(field);
  });

  it("replaces a hash stored with older parameters at the next successful logIn, in one UPDATE", async () => {
    await server.db.prisma.user.create({
      data: { email: "babbage@example.test", handle: "babbage", name: "Charles Babbage", passwordHash: LEGACY_HASH },
    });
    const logIn = (password: string) =>
      server.execute(LogIn, { variables: { input: { email: "babbage@example.test", password } } });
    const storedHash = async () =>
      (await server.db.prisma.user.findUniqueOrThrow({ where: { handle: "babbage" } })).passwordHash;

    expect(errorCodes(await logIn("difference engine"))).toEqual(["UNAUTHENTICATED"]);
    expect(await storedHash()).toBe(LEGACY_HASH);

    const upgraded = await logIn("analytical engine");
    expect(upgraded.data?.logIn.user.handle).toBe("babbage");
    expect(upgraded.statements).toBe(2); // the user's row, then the one UPDATE
    const rehashed = await storedHash();
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const again = await logIn("analytical engine");
    expect(again.data?.logIn.user.handle).toBe("babbage");
    expect(again.statements).toBe(1);
    expect(await storedHash()).toBe(rehashed);
  });

  it("treats a bad or tampered token as UNAUTHENTICATED rather than as anonymous", async () => {
    const { token } = await signUpUser(server);
    // The signature's first character changed: every bit of it counts (the last character of a
    // base64url signature carries 2 unused bits, so rewriting the end can leave it valid).
    const [header, payload, signature = ""] = token.split(".");
    const tampered = `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    for (const bad of [tampered, "not-a-jwt"]) {
      const result = await server.execute(Viewer, { token: bad });
      expect(errorCodes(result)).toEqual(["UNAUTHENTICATED"]);
    }
  });

  it("gives null for viewer without a token", async () => {
    const result = await server.execute(Viewer);
    expect(result).toMatchObject({ data: { viewer: null } });
    expect(result.errors).toBeUndefined();
  });
});
