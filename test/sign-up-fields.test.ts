import { describe, expect, it } from "vitest";
import { SignUp } from "./helpers/factories.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

const server = await useTestServer();

describe("signUp validation", () => {
  it("reports every invalid field at once in extensions.fields", async () => {
    const result = await server.execute(SignUp, {
      variables: { input: { email: "not-an-email", handle: "a b", name: "   ", password: "short" } },
    });
    expect(result.data).toBeNull();
    expect(errorCodes(result)).toEqual(["BAD_USER_INPUT"]);
    const extensions = result.errors?.[0]?.extensions as { field: string; fields: Record<string, string> };
    expect(extensions.fields).toEqual({
      email: "must be a valid email address",
      handle: "must be 3 to 32 letters, digits or underscores",
      name: "must not be empty",
      password: "must be at least 8 characters",
    });
    expect(extensions.field).toBe("email");
    for (const field of ["email", "handle", "name", "password"]) expect(result.errors?.[0]?.message).toContain(field);
    expect(result.statements).toBe(0);
  });

  it("names a single invalid field alone", async () => {
    const result = await server.execute(SignUp, {
      variables: { input: { email: "ok@example.test", handle: "fine_handle", name: "Fine", password: "short" } },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      field: "password",
      fields: { password: expect.any(String) },
    });
    expect(Object.keys((result.errors?.[0]?.extensions as { fields: object }).fields)).toEqual(["password"]);
  });
});
