import {
  getNamedType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
} from "graphql";
import type { TestServer } from "./server.ts";

/**
 * Everything the API shows, read back through it: each reachable entity's fields (a list field as
 * the ids it holds) and each root list's ids. Built from the schema, so a new type or field is read
 * without a change here. Two snapshots around a write say what a re-read shows changed.
 */
export interface WorldSnapshot {
  /** By global id: leaf fields as values, lists and connections as their ids, edges to one entity as its id. */
  entities: Map<string, { typename: string; fields: Record<string, unknown> }>;
  /** By root field (`Query.posts`): the ids of its first page of 100. */
  roots: Map<string, string[]>;
}

export interface WorldDifference {
  created: string[];
  deleted: string[];
  changed: string[];
  /** `<Type>.<field>:<global id>` of a list field that changed on an entity present in both, or `Query.<field>`. */
  lists: string[];
  typeOf: (id: string) => string;
}

const PAGE = 100;

export async function snapshotWorld(server: TestServer, schema: GraphQLSchema, token: string): Promise<WorldSnapshot> {
  const queryType = schema.getQueryType() as GraphQLObjectType;
  const rootFields = Object.values(queryType.getFields()).filter((field) => selection(field) && !isLeaf(field));
  const rootQuery = `{ ${rootFields.map((field) => `${field.name}${selection(field)}`).join(" ")} }`;
  const root = await server.execute<Record<string, unknown>, unknown>(rootQuery, { token });
  const roots = new Map(rootFields.map((field) => [`Query.${field.name}`, idsOf(root.data?.[field.name])]));

  const nodeTypes = Object.values(schema.getTypeMap()).filter(
    (type): type is GraphQLObjectType =>
      isObjectType(type) && type.getInterfaces().some((face) => face.name === "Node"),
  );
  const fragments = nodeTypes
    .map((type) => {
      const fields = Object.values(type.getFields()).filter((field) => selection(field) !== undefined);
      return `... on ${type.name} { ${fields.map((field) => `${field.name}${selection(field)}`).join(" ")} }`;
    })
    .join(" ");
  const entities: WorldSnapshot["entities"] = new Map();
  let pending = [...new Set([...roots.values()].flat())];
  while (pending.length > 0) {
    const batch = pending.slice(0, PAGE);
    pending = pending.slice(PAGE);
    const read = await server.execute<{ nodes: (Record<string, unknown> | null)[] }, unknown>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ${fragments} } }`,
      { token, variables: { ids: batch } },
    );
    for (const node of read.data?.nodes ?? []) {
      if (!node) continue;
      const { __typename, id, ...fields } = node;
      const normalized = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, normalize(value)]));
      entities.set(id as string, { typename: __typename as string, fields: normalized });
      for (const value of Object.values(normalized)) {
        for (const found of Array.isArray(value) ? value : []) {
          if (!entities.has(found) && !pending.includes(found) && !batch.includes(found)) pending.push(found);
        }
      }
    }
  }
  return { entities, roots };
}

export function differenceOf(before: WorldSnapshot, after: WorldSnapshot): WorldDifference {
  const difference: WorldDifference = {
    created: [],
    deleted: [],
    changed: [],
    lists: [],
    typeOf: (id) => (after.entities.get(id) ?? before.entities.get(id))?.typename ?? "",
  };
  for (const [name, ids] of after.roots) {
    if (JSON.stringify(ids) !== JSON.stringify(before.roots.get(name))) difference.lists.push(name);
  }
  for (const id of new Set([...before.entities.keys(), ...after.entities.keys()])) {
    const was = before.entities.get(id);
    const is = after.entities.get(id);
    if (!was) difference.created.push(id);
    else if (!is) difference.deleted.push(id);
    else {
      let changed = false;
      for (const [field, value] of Object.entries(is.fields)) {
        const same = JSON.stringify(value) === JSON.stringify(was.fields[field]);
        if (same) continue;
        if (Array.isArray(value)) difference.lists.push(`${is.typename}.${field}:${id}`);
        else changed = true;
      }
      if (changed) difference.changed.push(id);
    }
  }
  return difference;
}

/** How a field is read in a snapshot (its ids for anything holding entities); undefined when it is not read. */
function selection(field: GraphQLField<unknown, unknown>): string | undefined {
  if (field.args.some(isRequiredArgument)) return undefined;
  const type = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (isLeafType(getNamedType(type))) return "";
  const named = getNamedType(type);
  if (!isObjectType(named)) return undefined;
  const paged = field.args.some((arg) => arg.name === "first") ? `(first: ${PAGE})` : "";
  if (isListType(type)) return "id" in named.getFields() ? `${paged} { id }` : undefined;
  if ("id" in named.getFields()) return " { id }";
  const edges = named.getFields().edges;
  const node = edges && getNamedType(edges.type);
  if (node && isObjectType(node) && node.getFields().node) return `${paged} { edges { node { id } } }`;
  return undefined;
}

/** Lists and connections as their ids, an edge to one entity as its id, leaves as they are. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value) || (isRow(value) && "edges" in value)) return idsOf(value);
  return isRow(value) ? value.id : value;
}

const isLeaf = (field: GraphQLField<unknown, unknown>) => isLeafType(getNamedType(field.type));
const isRow = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** The ids a read value holds: a list of `{ id }`, a connection's edges, or one `{ id }`. */
function idsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(idsOf);
  if (!isRow(value)) return [];
  if (Array.isArray(value.edges)) return value.edges.flatMap((edge: { node?: unknown }) => idsOf(edge.node));
  return typeof value.id === "string" ? [value.id] : [];
}
