import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";

// Root fields are public unless they declare otherwise (cache/cache-scope.ts).
builder.queryType({ extensions: { cacheScope: "PUBLIC" } });
builder.mutationType({});
builder.subscriptionType({});

builder.scalarType("DateTime", {
  description: "An ISO 8601 timestamp in UTC",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === "string" ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw badInput("Expected an ISO 8601 timestamp");
    return date;
  },
});
