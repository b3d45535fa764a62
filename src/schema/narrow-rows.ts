import {
  type FieldNode,
  type GraphQLResolveInfo,
  getNamedType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from "graphql";

// Per field of a parsed document (which Yoga's parse cache shares between requests).
const exposedSelections = new WeakMap<FieldNode, readonly string[] | null>();

/**
 * The model fields a field's selection reads, when every field it selects is a plain exposed
 * column (Pothos marks `t.expose*` fields with `extensions.pothosExposedField`), the node `id`
 * or `__typename`; null when anything else is selected (a computed field, a rule, a relation),
 * which then needs the whole row. A list of authors shown by handle then reads two columns of
 * each user, not all eleven (the password hash included).
 */
export function exposedFieldsSelected(info: GraphQLResolveInfo): readonly string[] | null {
  const first = info.fieldNodes[0];
  if (!first) return null;
  let known = exposedSelections.get(first);
  if (known === undefined) {
    known = readExposed(info);
    exposedSelections.set(first, known);
  }
  return known;
}

function readExposed(info: GraphQLResolveInfo): readonly string[] | null {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return null;
  const definitions = type.getFields();
  const fields = new Set<string>(["id"]);
  const pending: (SelectionSetNode | undefined)[] = info.fieldNodes.map((node) => node.selectionSet);
  for (let set = pending.pop(); set; set = pending.pop()) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(selection.selectionSet);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = info.fragments[selection.name.value];
        if (!fragment) return null;
        pending.push(fragment.selectionSet);
      } else {
        const name = selection.name.value;
        if (name === "__typename" || name === "id") continue;
        const exposed = definitions[name]?.extensions?.pothosExposedField;
        if (typeof exposed !== "string") return null;
        fields.add(exposed);
      }
    }
  }
  return [...fields];
}
