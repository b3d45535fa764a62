import { builder } from "./builder.ts";
import { badInput } from "../errors.ts";

// Root fields are public unless they declare otherwise (cache/cache-scope.ts). The query type's TTL is the
// default for a cached response that holds no entity with a TTL of its own (an empty list, a count).
builder.queryType({
  description: "What can be read. Public fields need no token; `viewer` and jobs need one.",
  extensions: { cacheScope: "PUBLIC", cacheTtlSeconds: 3600 },
});
builder.mutationType({
  description: "What can be changed. All but `signUp` and `logIn` need a token (`Authorization: Bearer <token>`).",
});
builder.subscriptionType({
  description: "Live updates, over Server-Sent Events (`Accept: text/event-stream`) or graphql-ws at /graphql.",
});

builder.scalarType("DateTime", {
  description: "An ISO 8601 timestamp in UTC",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === "string" ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw badInput("Expected an ISO 8601 timestamp");
    return date;
  },
});
