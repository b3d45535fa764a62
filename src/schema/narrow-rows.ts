import {
  type FieldNode,
  type GraphQLResolveInfo,
  getNamedType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type GraphQLObjectType,
} from "graphql";
import type { JoinedEdge } from "../data/joined-edges.ts";
import type { RowShape } from "../data/loaders.ts";

/**
 * What a field of a model's type reads of its parent row besides `id`, declared beside the field
 * (`extensions: { readsFields: [...] }`); `t.expose*` fields read their own column (Pothos marks
 * them with `extensions.pothosExposedField`). A field that declares neither needs the whole row.
 */
export const readsFields = (...fields: string[]) => ({ readsFields: fields });

/**
 * A to-one edge (the row's `by` column holds the id of a `model` row) that a page of rows may read
 * in its own statement, joined, when what is selected of it is plain columns: its resolver then
 * finds the row with joinedEdge (data/joined-edges.ts) instead of asking a loader. Reads `by`.
 */
export const joinsOne = (model: string, by: string) => ({ readsFields: [by], joinsOne: { model, by } });

interface JoinDeclaration {
  model: string;
  by: string;
}

// Per field of a parsed document (which Yoga's parse cache shares between requests).
// Keyed by the first field node, then checked against all of them: a fragment's field can be
// merged with different siblings at different places in one document.
interface Known {
  nodes: readonly FieldNode[];
  path: readonly string[];
  shape: RowShape | null;
}
const selections = new WeakMap<FieldNode, Known[]>();
/** Merged-field variants remembered per first node; past it, lists are read each time. */
const MAX_VARIANTS = 8;

const sameNodes = (a: readonly FieldNode[], b: readonly FieldNode[]) =>
  a.length === b.length && a.every((node, index) => node === b[index]);

/**
 * The model fields the rows a field returns must hold for what the operation selects on them
 * (`path`: the way down to the rows, e.g. ["edges", "node"] for a connection): `id`, the
 * exposed columns and each selected field's declared `readsFields`; null when any selected field
 * declares nothing, which then needs whole rows. A list of authors shown by handle reads two
 * columns of each user instead of all eleven (the password hash included).
 */
export function fieldsSelected(info: GraphQLResolveInfo, path: readonly string[] = NO_PATH): readonly string[] | null {
  return rowShapeSelected(info, path)?.fields ?? null;
}

/**
 * The fields as fieldsSelected, with the to-one edges the rows' own statement may join
 * (`joinsOne`), each with the fields selected of it.
 */
export function rowShapeSelected(info: GraphQLResolveInfo, path: readonly string[] = NO_PATH): RowShape | null {
  const first = info.fieldNodes[0];
  if (!first) return null;
  let known = selections.get(first);
  if (!known) selections.set(first, (known = []));
  // Called for every row shown (500 authors of a page of comments): a loop, no key built.
  for (const entry of known) {
    if (entry.path === path && sameNodes(entry.nodes, info.fieldNodes)) return entry.shape;
  }
  const shape = readSelected(info, path);
  if (known.length < MAX_VARIANTS) known.push({ nodes: [...info.fieldNodes], path, shape });
  return shape;
}

const NO_PATH: readonly string[] = [];

/** The path to the rows of a connection (for fieldsSelected): one array, so lookups compare it by identity. */
export const CONNECTION_NODES: readonly string[] = ["edges", "node"];

function readSelected(info: GraphQLResolveInfo, path: readonly string[]): RowShape | null {
  let type = getNamedType(info.returnType);
  let nodes: FieldNode[] = [...info.fieldNodes];
  for (const step of path) {
    if (!isObjectType(type)) return null;
    const next = type.getFields()[step];
    const children = selectedFields(info, nodes);
    if (!next || children === null) return null;
    nodes = children.filter((node) => node.name.value === step);
    type = getNamedType(next.type);
  }
  return isObjectType(type) ? shapeOf(info, type, nodes, true) : null;
}

/** What the rows of `type` must hold for `nodes`' selections; with the edges to join when `joining` (one level). */
function shapeOf(
  info: GraphQLResolveInfo,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  joining: boolean,
): RowShape | null {
  const definitions = type.getFields();
  const selected = selectedFields(info, nodes);
  if (selected === null) return null;
  const fields = new Set<string>(["id"]);
  const edges = new Map<string, FieldNode[]>();
  for (const node of selected) {
    const name = node.name.value;
    if (name === "__typename" || name === "id") continue;
    const extensions = definitions[name]?.extensions;
    const exposed = extensions?.pothosExposedField;
    const reads = extensions?.readsFields;
    if (typeof exposed === "string") fields.add(exposed);
    else if (Array.isArray(reads)) for (const field of reads) fields.add(String(field));
    else return null;
    if (joining && extensions?.joinsOne) edges.set(name, [...(edges.get(name) ?? []), node]);
  }
  const joins: JoinedEdge[] = [];
  for (const [name, edgeNodes] of edges) {
    const definition = definitions[name];
    const { model, by } = definition?.extensions?.joinsOne as JoinDeclaration;
    const edgeType = definition && getNamedType(definition.type);
    const edge = edgeType && isObjectType(edgeType) ? shapeOf(info, edgeType, edgeNodes, false) : null;
    // What it selects is more than columns (a list, a field without readsFields): its loader reads it.
    if (edge) joins.push({ as: name, model, by, fields: edge.fields });
  }
  return { fields: [...fields].sort(), joins };
}

/** The fields selected directly under `nodes`, through fragments; null for an unknown fragment. */
function selectedFields(info: GraphQLResolveInfo, nodes: readonly FieldNode[]): FieldNode[] | null {
  const fields: FieldNode[] = [];
  const pending: (SelectionSetNode | undefined)[] = nodes.map((node) => node.selectionSet);
  for (let set = pending.pop(); set; set = pending.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(selection.selectionSet);
      else {
        const fragment = info.fragments[selection.name.value];
        if (!fragment) return null;
        pending.push(fragment.selectionSet);
      }
    }
  }
  return fields;
}

const pageless = new WeakMap<FieldNode, boolean>();
const COUNT_ONLY = new Set(["totalCount", "__typename"]);

/** Whether a connection field selects nothing of its page (only `totalCount`): its rows need not be read. */
export function selectsNoPage(info: GraphQLResolveInfo): boolean {
  const first = info.fieldNodes[0];
  const single = info.fieldNodes.length === 1 && first !== undefined;
  const known = single ? pageless.get(first) : undefined;
  if (known !== undefined) return known;
  const selected = selectedFields(info, info.fieldNodes);
  const noPage = selected !== null && selected.every((node) => COUNT_ONLY.has(node.name.value));
  if (single) pageless.set(first, noPage);
  return noPage;
}
