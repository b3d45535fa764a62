import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLNamedType,
  type GraphQLObjectType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.ts";
import { seededRandom } from "../prisma/seeded-random.ts";
import { startServerProcess } from "./helpers/server-process.ts";

// Hostile operations generated from the schema, sent over HTTP to `serve` (production mode,
// Redis response cache). Deterministic: one seeded generator, the same requests every run.

// Its old space is capped at 192 MB: anything that kept what it was sent would run out of heap.
const server = await startServerProcess({}, ["--max-old-space-size=192"]);

/** mulberry32: a small seeded PRNG, so a failing request can be reproduced from its index. */
function createRandom(seed: number) {
  const next = seededRandom(seed);
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof createRandom>;

const b64 = (text: string) => Buffer.from(text).toString("base64");
const HOSTILE_STRINGS = [
  "hello",
  "",
  "a\u0000b",
  "\u0001\u0002\u001f\u007f",
  "\ud800",
  "🙂\u202e\u200b",
  "x".repeat(10_000),
  "'; DROP TABLE users; --",
  "%00%ff",
  "\\u0000",
  "  padded  ",
  "user_1",
  "a@b.c",
];
const HOSTILE_INTS = [0, -1, 1, 20, 100, 101, 2_147_483_647, -2_147_483_648, 2_147_483_648, 1.5, "1", 1e300];
const HOSTILE_IDS = [
  b64("User:1"),
  b64("Post:1"),
  b64("Comment:1"),
  b64("Tag:1"),
  b64("Job:1"),
  b64("Post:0"),
  b64("Post:-1"),
  b64("Post:99999999999"),
  b64("Post:2147483648"),
  b64("Nope:1"),
  b64("Post:1\u0000"),
  b64("User:"),
  "garbage",
  "",
  "\u0000",
  "====",
  "x".repeat(5_000),
];
const HOSTILE_CURSORS = [
  "garbage",
  "%%%",
  b64("GPC:N:1"),
  b64("GPC:N:99999999999999999999"),
  b64("GPC:N:-5"),
  b64("GPC:S:x"),
  b64("GPC:D:not a date"),
  b64("GPC:J:{bad"),
  b64("1"),
  b64("99999999999"),
  "",
];

function hostileValue(type: GraphQLInputType, name: string, random: Random, depth = 0): unknown {
  if (random.chance(0.05)) return null;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const length = random.pick([0, 1, 2, 60]);
    return Array.from({ length }, () => hostileValue(inner.ofType, name, random, depth + 1));
  }
  if (isInputObjectType(inner)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      if (random.chance(0.1)) continue; // a required field left out, sometimes
      value[field.name] = hostileValue(field.type, field.name, random, depth + 1);
    }
    if (random.chance(0.1)) value.unexpected = "field";
    return value;
  }
  if (isEnumType(inner)) return random.chance(0.8) ? random.pick(inner.getValues()).value : "NOPE";
  if (/^(after|before)$/.test(name)) return random.pick(HOSTILE_CURSORS);
  switch (inner.name) {
    case "ID":
      return random.pick(HOSTILE_IDS);
    case "Int":
      return random.pick(HOSTILE_INTS);
    case "Float":
      return random.pick([0, -1.5, 1e308, "NaN"]);
    case "Boolean":
      return random.pick([true, false, "true", 0]);
    case "JSON":
      return random.pick([{}, [], "x", { a: { b: [1, 2] } }]);
    case "DateTime":
      return random.pick(["2020-01-01T00:00:00Z", "not a date", "9999-99-99"]);
    default:
      return random.pick(HOSTILE_STRINGS);
  }
}

/** A GraphQL literal for a JSON value (enums bare, where the type says so). */
function literal(value: unknown, type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined) return "null";
  if (isListType(inner) && Array.isArray(value))
    return `[${value.map((item) => literal(item, inner.ofType)).join(", ")}]`;
  if (isInputObjectType(inner) && typeof value === "object" && !Array.isArray(value)) {
    const fields = inner.getFields();
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${literal(item, fields[key]?.type ?? inner)}`)
      .join(", ")} }`;
  }
  if (isEnumType(inner) && typeof value === "string" && /^[_A-Za-z]\w*$/.test(value)) return value;
  return JSON.stringify(value);
}

interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

function arguments_(
  args: readonly GraphQLArgument[],
  random: Random,
  variables: Record<string, unknown>,
  definitions: string[],
): string {
  const parts: string[] = [];
  for (const arg of args) {
    if (!isNonNullType(arg.type) && random.chance(0.4)) continue;
    const value = hostileValue(arg.type, arg.name, random);
    if (random.chance(0.5)) {
      const name = `v${definitions.length}`;
      // Sometimes declared with a wrong type, to reach variable coercion errors.
      const declared = random.chance(0.1) ? "Int" : String(arg.type);
      definitions.push(`$${name}: ${declared}`);
      variables[name] = value;
      parts.push(`${arg.name}: $${name}`);
    } else {
      parts.push(`${arg.name}: ${literal(value, arg.type)}`);
    }
  }
  return parts.length > 0 ? `(${parts.join(", ")})` : "";
}

function selection(
  type: GraphQLNamedType,
  random: Random,
  depth: number,
  variables: Record<string, unknown>,
  definitions: string[],
): string {
  if (isInterfaceType(type)) {
    const implementations = schema.getPossibleTypes(type);
    const target = random.pick(implementations);
    return `{ __typename ... on ${target.name} ${selection(target, random, depth, variables, definitions)} }`;
  }
  if (!isObjectType(type)) return "";
  const fields = Object.values((type as GraphQLObjectType).getFields());
  const scalars = fields.filter(
    (field) => isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type)),
  );
  const objects = fields.filter((field) => !scalars.includes(field));
  const chosen: GraphQLField<unknown, unknown>[] = [];
  for (let count = 1 + random.int(3); count > 0 && scalars.length > 0; count--) chosen.push(random.pick(scalars));
  if (depth < 4 && objects.length > 0 && random.chance(0.7)) chosen.push(random.pick(objects));
  if (chosen.length === 0) return "{ __typename }";
  const parts = chosen.map((field, index) => {
    const alias = random.chance(0.1) ? `a${index}: ` : "";
    const args = arguments_(field.args, random, variables, definitions);
    const named = getNamedType(field.type);
    const sub =
      isScalarType(named) || isEnumType(named) ? "" : selection(named, random, depth + 1, variables, definitions);
    return `${alias}${field.name}${args} ${sub}`;
  });
  return `{ ${parts.join(" ")} }`;
}

function generateOperation(random: Random): Operation {
  const kind = random.chance(0.7) ? "query" : "mutation";
  const root = kind === "query" ? schema.getQueryType() : schema.getMutationType();
  if (!root) throw new Error("schema without root");
  const field = random.pick(Object.values(root.getFields()));
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args = arguments_(field.args, random, variables, definitions);
  const named = getNamedType(field.type);
  const sub = isScalarType(named) || isEnumType(named) ? "" : selection(named, random, 1, variables, definitions);
  const header = definitions.length > 0 ? `(${definitions.join(", ")})` : "";
  return { query: `${kind} Fuzz${header} { ${field.name}${args} ${sub} }`, variables };
}

/** Text-level damage to a generated document: a character gone, a stray one, a cut, a repeat. */
function damage(query: string, random: Random): string {
  const at = random.int(query.length);
  switch (random.int(4)) {
    case 0:
      return query.slice(0, at) + query.slice(at + 1);
    case 1:
      return (
        query.slice(0, at) +
        random.pick(["{", "}", "(", ")", "$", "@", '"', "\\", "\u0000", "...", "#"]) +
        query.slice(at)
      );
    case 2:
      return query.slice(0, at);
    default:
      return query.slice(0, at) + query.slice(at, at + 40).repeat(3) + query.slice(at);
  }
}

interface Sent {
  label: string;
  status: number;
  codes: string[];
  body: string;
}

async function send(label: string, init: RequestInit & { path?: string }): Promise<Sent> {
  let response: Response;
  try {
    response = await fetch(`${server.base}${init.path ?? "/graphql"}`, init);
  } catch (error) {
    // The server died (it once did, in CI, with nothing said): name the request and show its last words.
    if (!server.exited()) await new Promise((resolve) => setTimeout(resolve, 1000)); // its exit is seen a moment later
    if (!server.exited()) throw error;
    const { exitCode, signalCode } = server.child;
    throw new Error(
      `the server exited (code ${exitCode}, signal ${signalCode}) during "${label.slice(0, 200)}"; its last output:\n${server.output.slice(-40).join("\n")}`,
      { cause: error },
    );
  }
  const body = await response.text();
  let codes: string[] = [];
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] };
    codes = (parsed.errors ?? []).map((error) => error.extensions?.code ?? "NO_CODE");
  } catch {
    // Not JSON (413, 415, an SSE stream): the status says enough.
  }
  return { label, status: response.status, codes, body };
}

const json = (payload: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(payload),
});

describe("fuzz", () => {
  it("answers 500 generated hostile requests without a 5xx or an internal error, with bounded memory", async () => {
    const random = createRandom(13);
    const signUp = await send(
      "sign up",
      json({
        query:
          'mutation { signUp(input: { email: "fuzz@example.test", handle: "fuzzer", name: "Fuzz", password: "fuzz password" }) { ... on AuthPayload { token } } }',
      }),
    );
    const token = (JSON.parse(signUp.body) as { data: { signUp: { token: string } } }).data.signUp.token;
    const peakBefore = server.memory().peak;

    const requests: [string, RequestInit & { path?: string }][] = [];
    for (let index = 0; requests.length < 440; index++) {
      const operation = generateOperation(random);
      const headers: Record<string, string> = random.chance(0.5) ? { authorization: `Bearer ${token}` } : {};
      const query = random.chance(0.2) ? damage(operation.query, random) : operation.query;
      requests.push([
        `generated ${index}: ${query.slice(0, 300)}`,
        json({ query, variables: operation.variables }, headers),
      ]);
    }
    const deep = (depth: number) => `{ ${"a { ".repeat(depth)}b${" }".repeat(depth)} }`;
    const hostile: [string, RequestInit & { path?: string }][] = [
      ["deep document", json({ query: deep(1_000) })],
      ["wide document", json({ query: `{ ${"a ".repeat(40_000)}}` })],
      ["many aliases", json({ query: `{ ${Array.from({ length: 500 }, (_, i) => `t${i}: tags { id }`).join(" ")} }` })],
      ["many directives", json({ query: `{ tags ${"@skip(if: false) ".repeat(500)}{ id } }` })],
      [
        "deep variables",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: `{"query":"query ($h: String!) { user(handle: $h) { id } }","variables":{"h":${"[".repeat(10_000)}${"]".repeat(10_000)}}}`,
        },
      ],
      [
        "huge variables",
        json({ query: "query ($h: String!) { user(handle: $h) { id } }", variables: { h: "x".repeat(200_000) } }),
      ],
      [
        "many variables",
        json({
          query: "{ tags { id } }",
          variables: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`v${i}`, i])),
        }),
      ],
      [
        "bad json",
        { method: "POST", headers: { "content-type": "application/json" }, body: '{"query": "{ tags { id } }"' },
      ],
      ["json array", { method: "POST", headers: { "content-type": "application/json" }, body: "[1, 2, 3]" }],
      ["json null", { method: "POST", headers: { "content-type": "application/json" }, body: "null" }],
      ["query not a string", json({ query: { a: 1 } })],
      ["variables not an object", json({ query: "{ tags { id } }", variables: [1] })],
      ["operationName not a string", json({ query: "{ tags { id } }", operationName: {} })],
      ["text/plain", { method: "POST", headers: { "content-type": "text/plain" }, body: "{ tags { id } }" }],
      ["no content type", { method: "POST", body: '{"query":"{ tags { id } }"}' }],
      ["xml", { method: "POST", headers: { "content-type": "application/xml" }, body: "<query/>" }],
      [
        "multipart garbage",
        { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x" }, body: "--x\r\ngarbage" },
      ],
      [
        "GET bad variables",
        { method: "GET", path: `/graphql?query=${encodeURIComponent("{ tags { id } }")}&variables=%7Bnope` },
      ],
      [
        "GET bad extensions",
        { method: "GET", path: `/graphql?query=${encodeURIComponent("{ tags { id } }")}&extensions=%7B` },
      ],
      ["GET bad encoding", { method: "GET", path: "/graphql?query=%E0%A4%A" }],
      [
        "GET mutation",
        {
          method: "GET",
          path: `/graphql?query=${encodeURIComponent('mutation { logIn(input: {email: "a", password: "b"}) { token } }')}`,
        },
      ],
      ["PUT", { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" }],
      ["bad token", json({ query: "{ tags { id } }" }, { authorization: "Bearer not.a.token" })],
      ["bad auth scheme", json({ query: "{ viewer { id } }" }, { authorization: "Basic Zm9vOmJhcg==" })],
      ["unknown path", { method: "GET", path: "/%E0%A4%A/../../etc/passwd" }],
      ["bad report download", { method: "GET", path: "/reports/99999999999.csv" }],
      ["SSE with a bad query", json({ query: "{ tags { id " }, { accept: "text/event-stream" })],
      ["subscription over plain POST", json({ query: 'subscription { jobUpdated(id: "garbage") { id } }' })],
    ];
    const all = [...requests, ...hostile];
    const sent: Sent[] = [];
    for (let start = 0; start < all.length; start += 4) {
      sent.push(...(await Promise.all(all.slice(start, start + 4).map(([label, init]) => send(label, init)))));
    }

    const byStatus = new Map<number, number>();
    const byCode = new Map<string, number>();
    for (const answer of sent) {
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      for (const code of answer.codes) byCode.set(code, (byCode.get(code) ?? 0) + 1);
    }
    const peakAfter = server.memory().peak;
    console.log(
      `fuzz: ${sent.length} requests; statuses ${JSON.stringify(Object.fromEntries(byStatus))}; ` +
        `codes ${JSON.stringify(Object.fromEntries(byCode))}; peak RSS ${(peakBefore / 2 ** 20).toFixed(0)} -> ${(peakAfter / 2 ** 20).toFixed(0)} MB`,
    );
    const failures = sent.filter(
      (answer) =>
        answer.status >= 500 || answer.codes.includes("INTERNAL_SERVER_ERROR") || answer.codes.includes("NO_CODE"),
    );
    expect(failures.map((answer) => `${answer.status} ${answer.label}\n  -> ${answer.body.slice(0, 300)}`)).toEqual([]);
    expect(sent.length).toBeGreaterThanOrEqual(460);
    expect(server.exited()).toBe(false);
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
    // The bound: the server's peak resident set stays under 448 MB (it starts near 240 MB).
    expect(peakAfter).toBeLessThan(448 * 2 ** 20);
  }, 120_000);
});
