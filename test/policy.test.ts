import {
  type GraphQLField,
  type GraphQLObjectType,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.ts";
import { OWNER_RULE } from "../src/schema/owner-rule.ts";
import { signUpUser } from "./helpers/factories.ts";
import { TEST_REDIS_URL } from "./helpers/redis.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";

// For every type with an owner rule (found by walking the schema), every path that can reach one
// of its objects (root fields, node, nodes, relations, connections, subscriptions) is tried as the
// owner, as another user and anonymously, each twice: the second time through the response cache.
// Only the owner ever sees the object.

const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL });
const owner = await signUpUser(server, "policy_owner");
const stranger = await signUpUser(server, "policy_other");

/** How to make one object of each owner-only type, owned by `token`'s user; returns its global id. */
const FIXTURES: Record<string, (target: TestServer, token: string) => Promise<string>> = {
  Job: async (target, token) => {
    const result = await target.execute<{ requestActivityReport: { job: { id: string } } }, unknown>(
      `mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }`,
      { token },
    );
    return result.data?.requestActivityReport.job.id as string;
  },
};

const ownerOnlyTypes = Object.values(schema.getTypeMap()).filter(
  (type): type is GraphQLObjectType => isObjectType(type) && Boolean(type.extensions?.[OWNER_RULE]),
);

interface Path {
  name: string;
  kind: "query" | "subscription";
  document: (id: string, ownerId: string) => string;
}

const selectionOf = (type: GraphQLObjectType) =>
  Object.values(type.getFields())
    .filter((field) => field.args.length === 0 && isLeafType(getNamedType(field.type)))
    .map((field) => field.name)
    .join(" ");

/** Every field of `parent` that returns `type`, directly or as the nodes of a connection. */
function fieldsReaching(parent: GraphQLObjectType, type: GraphQLObjectType) {
  return Object.values<GraphQLField<unknown, unknown>>(parent.getFields()).flatMap((field) => {
    const returned = getNamedType(field.type);
    if (returned === type) return [{ field, wrap: (inner: string) => inner }];
    const edges = isObjectType(returned) ? returned.getFields().edges : undefined;
    const edge = edges && getNamedType(edges.type);
    const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
    if (node && getNamedType(node.type) === type) {
      return [{ field, wrap: (inner: string) => `edges { node { ${inner} } }` }];
    }
    return [];
  });
}

function pathsTo(type: GraphQLObjectType): Path[] {
  const selection = selectionOf(type);
  const paths: Path[] = [
    { name: "node", kind: "query", document: (id) => `{ node(id: "${id}") { ... on ${type.name} { ${selection} } } }` },
    {
      name: "nodes",
      kind: "query",
      document: (id) => `{ nodes(ids: ["${id}"]) { ... on ${type.name} { ${selection} } } }`,
    },
  ];
  const byId = (field: GraphQLField<unknown, unknown>) =>
    field.args.length === 1 && isNonNullType(field.args[0]?.type) && getNamedType(field.args[0]?.type).name === "ID";
  const root = (kind: Path["kind"], rootType: GraphQLObjectType | null | undefined) => {
    for (const { field, wrap } of rootType ? fieldsReaching(rootType, type) : []) {
      if (!byId(field)) throw new Error(`add a way to reach ${rootType?.name}.${field.name} to the policy test`);
      const arg = field.args[0]?.name;
      paths.push({
        name: `${rootType?.name}.${field.name}`,
        kind,
        document: (id) => `${kind} { ${field.name}(${arg}: "${id}") { ${wrap(selection)} } }`,
      });
    }
  };
  root("query", schema.getQueryType());
  root("subscription", schema.getSubscriptionType());
  for (const parent of Object.values(schema.getTypeMap())) {
    if (!isObjectType(parent) || parent.name.startsWith("__") || parent === schema.getQueryType()) continue;
    if (parent === schema.getMutationType() || parent === schema.getSubscriptionType()) continue;
    // A mutation's payload holds what that mutation just wrote for its viewer (requestActivityReport's
    // own job): no id reaches it, and the type's rule still guards it.
    if (parent.name.endsWith("Payload")) continue;
    // Connection and edge wrappers are walked through the field that returns the connection.
    const own = parent.getFields();
    if ((own.cursor && own.node) || (own.edges && own.pageInfo)) continue;
    for (const { field, wrap } of fieldsReaching(parent, type)) {
      // Relations are reached from their owner, the user (the only parent an owner rule allows).
      if (parent.name !== "User") throw new Error(`add a way to reach ${parent.name}.${field.name} to the policy test`);
      paths.push({
        name: `User.${field.name}`,
        kind: "query",
        document: (_id, ownerId) =>
          `{ node(id: "${ownerId}") { ... on User { ${field.name}${field.args.length > 0 ? "(first: 10)" : ""} { ${wrap(selection)} } } } }`,
      });
    }
  }
  return paths;
}

async function run(path: Path, document: string, token: string | null) {
  if (path.kind === "query") return server.execute(document, { token });
  // The first event is enough: the owner's subscription would stay open until the job ends.
  const controller = new AbortController();
  const response = await server.yoga.fetch("http://sokudo.test/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: document }),
    signal: controller.signal,
  });
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (/data: \{.*\n/.test(text)) break;
  }
  controller.abort();
  const first = text.split("\n").find((line) => line.startsWith("data: {"));
  return {
    ...(JSON.parse(first?.slice(6) ?? "{}") as { data?: unknown; errors?: unknown[] }),
    headers: response.headers,
  };
}

describe("owner rule on every path", () => {
  it("finds the owner-only types, each with a fixture", () => {
    expect(ownerOnlyTypes.map((type) => type.name)).toContain("Job");
    for (const type of ownerOnlyTypes) expect(FIXTURES[type.name], type.name).toBeDefined();
  });

  for (const type of ownerOnlyTypes) {
    const paths = pathsTo(type);

    it(`${type.name}: reaches it by ${paths.map((path) => path.name).join(", ")}`, () => {
      expect(paths.map((path) => path.name)).toEqual(expect.arrayContaining(["node", "nodes"]));
      expect(paths.length).toBeGreaterThan(2);
    });

    for (const path of paths) {
      it(`${type.name} by ${path.name}: the owner sees it, another user and anonymous never do (cold and cached)`, async () => {
        const id = await FIXTURES[type.name]?.(server, owner.token);
        if (!id) throw new Error(`no fixture made a ${type.name}`);
        const document = path.document(id, owner.id);
        for (let round = 0; round < 2; round++) {
          const mine = await run(path, document, owner.token);
          expect(JSON.stringify(mine.data), `owner, round ${round}`).toContain(id);
        }
        for (const [who, token] of [
          ["another user", stranger.token],
          ["anonymous", null],
        ] as const) {
          for (let round = 0; round < 2; round++) {
            const theirs = await run(path, document, token);
            expect(JSON.stringify(theirs.data ?? null), `${who}, round ${round}`).not.toContain(id);
            // Denied exactly as a missing object is: null with NOT_FOUND, on every path.
            const codes = ((theirs.errors ?? []) as { extensions?: { code?: string } }[]).map(
              (error) => error.extensions?.code,
            );
            expect(codes.length, `${who}, round ${round}`).toBeGreaterThan(0);
            expect(new Set(codes), `${who}, round ${round}`).toEqual(new Set(["NOT_FOUND"]));
            expect(theirs.headers.get("server-timing") ?? "", `${who}, round ${round}`).not.toContain(
              'cache;desc="hit"',
            );
          }
        }
      });
    }
  }
});
