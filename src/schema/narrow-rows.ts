import {
  type FieldNode,
  type GraphQLResolveInfo,
  getNamedType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";

/**
 * What a field of a model's type reads of its parent row besides `id`, declared beside the field
 * (`extensions: { readsFields: [...] }`); `t.expose*` fields read their own column (Pothos marks
 * them with `extensions.pothosExposedField`). A field that declares neither needs the whole row.
 */
export const readsFields = (...fields: string[]) => ({ readsFields: fields });

// Per field of a parsed document (which Yoga's parse cache shares between requests).
// Keyed by the first field node, then checked against all of them: a fragment's field can be
// merged with different siblings at different places in one document.
interface Known {
  nodes: readonly FieldNode[];
  path: readonly string[];
  fields: readonly string[] | null;
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
  const first = info.fieldNodes[0];
  if (!first) return null;
  let known = selections.get(first);
  if (!known) selections.set(first, (known = []));
  // Called for every row shown (500 authors of a page of comments): a loop, no key built.
  for (const entry of known) {
    if (entry.path === path && sameNodes(entry.nodes, info.fieldNodes)) return entry.fields;
  }
  const fields = readSelected(info, path);
  if (known.length < MAX_VARIANTS) known.push({ nodes: [...info.fieldNodes], path, fields });
  return fields;
}

const NO_PATH: readonly string[] = [];

/** The path to the rows of a connection (for fieldsSelected): one array, so lookups compare it by identity. */
export const CONNECTION_NODES: readonly string[] = ["edges", "node"];

function readSelected(info: GraphQLResolveInfo, path: readonly string[]): readonly string[] | null {
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
  if (!isObjectType(type)) return null;
  const definitions = type.getFields();
  const selected = selectedFields(info, nodes);
  if (selected === null) return null;
  const fields = new Set<string>(["id"]);
  for (const node of selected) {
    const name = node.name.value;
    if (name === "__typename" || name === "id") continue;
    const extensions = definitions[name]?.extensions;
    const exposed = extensions?.pothosExposedField;
    const reads = extensions?.readsFields;
    if (typeof exposed === "string") fields.add(exposed);
    else if (Array.isArray(reads)) for (const field of reads) fields.add(String(field));
    else return null;
  }
  return [...fields].sort();
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
