import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { GRAPHIQL_TABS } from "../src/graphql/graphiql.ts";
import { useTestServer } from "./helpers/server.ts";

// Spans recorded in memory, in process: the `graphql.document` attribute as it would be exported.
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));

const server = await useTestServer({ RESPONSE_CACHE: "off" });

describe("graphql.document on the operation span", () => {
  it("carries the GraphiQL LogIn example without its password or email", async () => {
    const logIn = GRAPHIQL_TABS.map((tab) => tab.query ?? "").find((query) => query.includes("mutation LogIn"));
    expect(logIn).toBeDefined();
    const password = logIn?.match(/password:\s*"([^"]+)"/)?.[1];
    const email = logIn?.match(/email:\s*"([^"]+)"/)?.[1];
    expect(password && email).toBeTruthy();
    exporter.reset();
    await server.execute(logIn ?? "");
    const span = exporter.getFinishedSpans().find((finished) => finished.attributes["graphql.document"]);
    const document = String(span?.attributes["graphql.document"]);
    expect(span?.name).toBe("mutation LogIn");
    expect(document).toContain("logIn(input:");
    expect(document).toContain('password: ""');
    expect(document).not.toContain(`"${password}"`);
    expect(document).not.toContain(`"${email}"`);
  });

  it("replaces numbers and strings, keeps the shape, and never records variables", async () => {
    exporter.reset();
    await server.execute(
      "query Users($after: String) { users(first: 7, after: $after) { edges { node { handle } } } tags { name } }",
      {
        variables: { after: "secret-cursor" },
      },
    );
    const span = exporter.getFinishedSpans().find((finished) => finished.attributes["graphql.document"]);
    const document = String(span?.attributes["graphql.document"]);
    expect(document).toContain("users(first: 0, after: $after)");
    expect(document).not.toContain("7");
    expect(JSON.stringify(span?.attributes)).not.toContain("secret-cursor");
  });
});
