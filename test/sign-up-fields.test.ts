import { describe, expect, it } from "vitest";
import { answered, SignUp } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer();

describe("signUp validation", () => {
  it("answers every invalid field at once, as InputError issues in the input's order (data, no GraphQL error)", async () => {
    const result = await server.execute(SignUp, {
      variables: { input: { email: "not-an-email", handle: "a b", name: "   ", password: "short" } },
    });
    expect(result.errors).toBeUndefined();
    const error = answered(result.data?.signUp, "InputError");
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.issues).toEqual([
      { path: ["email"], message: "must be a valid email address" },
      { path: ["handle"], message: "must be 3 to 32 letters, digits or underscores" },
      { path: ["name"], message: "must not be empty" },
      { path: ["password"], message: "must be at least 8 characters" },
    ]);
    for (const field of ["email", "handle", "name", "password"]) expect(error.message).toContain(field);
    expect(result.statements).toBe(0);
  });

  it("names a single invalid field alone", async () => {
    const result = await server.execute(SignUp, {
      variables: { input: { email: "ok@example.test", handle: "fine_handle", name: "Fine", password: "short" } },
    });
    expect(answered(result.data?.signUp, "InputError").issues).toEqual([
      { path: ["password"], message: "must be at least 8 characters" },
    ]);
  });
});
