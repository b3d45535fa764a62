import type { ValidationRule } from "graphql";
import { createSchema, createYoga, type Plugin } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { useValidationCache } from "../src/graphql/validation-cache.ts";

// A rule that counts the documents it validates, added by a plugin before the cache (as graphql-armor's are).
function countingRule() {
  const counted = { documents: 0 };
  const rule: ValidationRule = () => ({ Document: () => void (counted.documents += 1) });
  const plugin: Plugin = { onValidate: ({ addValidationRule }) => addValidationRule(rule) };
  return { counted, plugin };
}

function server(plugins: Plugin[]) {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "hi" } } }),
    parserAndValidationCache: { validationCache: false },
    plugins,
    logging: false,
  });
  return async (query: string) => {
    const response = await yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: unknown; errors?: { message: string }[] };
  };
}

describe("useValidationCache", () => {
  it("validates a document once, and answers its errors again without validating", async () => {
    const { counted, plugin } = countingRule();
    const post = server([plugin, useValidationCache()]);
    expect(await post("{ hello }")).toEqual({ data: { hello: "hi" } });
    expect(await post("{ hello }")).toEqual({ data: { hello: "hi" } });
    expect(counted.documents).toBe(1);

    const first = await post("{ nope }");
    const second = await post("{ nope }");
    expect(first.errors?.[0]?.message).toMatch(/Cannot query field "nope"/);
    expect(second).toEqual(first);
    expect(counted.documents).toBe(2);
  });

  it("validates again when the rules differ from those the result was found with", async () => {
    const { counted, plugin } = countingRule();
    let extraRule = false;
    const sometimes: Plugin = {
      onValidate: ({ addValidationRule }) => {
        if (extraRule) addValidationRule(() => ({}));
      },
    };
    const post = server([plugin, sometimes, useValidationCache()]);
    await post("{ hello }");
    extraRule = true;
    await post("{ hello }");
    expect(counted.documents).toBe(2);
  });
});
