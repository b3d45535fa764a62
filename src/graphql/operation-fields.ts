import {
  type DocumentNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  GraphQLID,
  isAbstractType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { hasAuthRule } from "../cache/cache-scope.ts";
import { COST } from "../schema/field-cost.ts";
import { OWNER_RULE } from "../schema/owner-rule.ts";

// What the fields an operation selects declare in the schema: the SQL statements they can run and
// the error codes they can be answered with (graphql/operation-check.ts reports them).

/** A field as an operation selects it: its definition, its parent type, and where it is. */
export interface SelectedField {
  field: GraphQLField<unknown, unknown>;
  parent: GraphQLNamedType;
  /** Response keys from the root, each with the type it is selected on: one place of the answer. */
  path: string;
  root: boolean;
}

/** The fields an operation selects, through fragments (a field the schema does not know is left out). */
export function selectedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): SelectedField[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const root = schema.getRootType(operation.operation);
  const found: SelectedField[] = [];
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, path: string, spreads: Set<string>) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        const here = `${path}/${parent.name}.${selection.alias?.value ?? selection.name.value}`;
        found.push({ field, parent, path: here, root: parent === root });
        if (selection.selectionSet) walk(selection.selectionSet, getNamedType(field.type), here, spreads);
      } else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        // A spread inside itself is a validation error: walked once.
        if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && spreads.has(selection.name.value))) continue;
        const condition = fragment.typeCondition && schema.getType(fragment.typeCondition.name.value);
        const inner = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...spreads, selection.name.value]) : spreads;
        walk(fragment.selectionSet, condition ?? parent, path, inner);
      }
    }
  };
  if (root) walk(operation.selectionSet, root, "", new Set());
  return found;
}

/** The object types of a connection (a type whose `edges` hold `node`s) and of its edges. */
export function connectionWrappers(schema: GraphQLSchema): Set<GraphQLNamedType> {
  const wrappers = new Set<GraphQLNamedType>();
  for (const type of Object.values(schema.getTypeMap())) {
    const edge = isObjectType(type) ? type.getFields().edges : undefined;
    const edgeType = edge && getNamedType(edge.type);
    if (isObjectType(edgeType) && edgeType.getFields().node) wrappers.add(type).add(edgeType);
  }
  return wrappers;
}

const isModel = (type: GraphQLNamedType) =>
  isObjectType(type) && Boolean((type.extensions as { pothosPrismaModel?: unknown }).pothosPrismaModel);

/** The database models a field returns rows of: its type, a list or connection of it, or those implementing it. */
function rowTypesOf(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): GraphQLNamedType[] {
  let named = getNamedType(field.type);
  const edges = isObjectType(named) ? named.getFields().edges : undefined;
  const edge = edges && getNamedType(edges.type);
  const node = isObjectType(edge) ? edge.getFields().node : undefined;
  if (node) named = getNamedType(node.type);
  if (isAbstractType(named)) return schema.getPossibleTypes(named).filter(isModel);
  return isModel(named) ? [named] : [];
}

type FieldExtensions = { pothosExposedField?: unknown; readsFields?: unknown; pothosOptions?: Record<string, unknown> };
const extensionsOf = (field: GraphQLField<unknown, unknown>) => (field.extensions ?? {}) as FieldExtensions;

/**
 * The most SQL statements an operation can run, from the schema's declarations: a field that
 * loads rows runs at most one statement per place in the operation (its path of response keys),
 * however many parents it is selected under: the loaders batch every parent of a page into one
 * statement (data/loaders.ts, schema/child-connection.ts). A field loads rows when it has a
 * resolver of its own (not a `t.expose*` field, `pothosExposedField`) and is not part of a
 * connection's wrapper (`edges`, `node`, `pageInfo` hand on what their connection loaded), and
 * - it returns rows of a database model (`pothosPrismaModel` on its type): the model, a list or a
 *   connection of it; an interface or union of models counts one statement per model (`nodes`);
 * - or it is a root field returning something else (a write, a payload): one statement, or one
 *   transaction;
 * - or it is a scalar that reads none of its parent's columns (`readsFields` declared empty):
 *   it looks its value up by the parent's id (`viewerHasLiked`).
 */
export function sqlStatements(
  schema: GraphQLSchema,
  fields: readonly SelectedField[],
  wrappers: ReadonlySet<GraphQLNamedType> = connectionWrappers(schema),
): number {
  const places = new Map<string, number>();
  for (const { field, parent, path, root } of fields) {
    const extensions = extensionsOf(field);
    if (extensions.pothosExposedField || wrappers.has(parent)) continue;
    const rows = rowTypesOf(schema, field).length;
    const readsNothing = Array.isArray(extensions.readsFields) && extensions.readsFields.length === 0;
    const statements = rows > 0 ? rows : root || (isLeafType(getNamedType(field.type)) && readsNothing) ? 1 : 0;
    if (statements > 0) places.set(path, statements);
  }
  return [...places.values()].reduce((sum, count) => sum + count, 0);
}

/**
 * The codes an operation can be answered with, from what it selects:
 * - every operation: BAD_USER_INPUT (variables, arguments, inputs); queries and mutations
 *   EXECUTION_TIMEOUT; one that reads the database DATABASE_UNAVAILABLE; RATE_LIMITED where a
 *   root field declares a rate limit or every request is counted;
 * - UNAUTHENTICATED where a selected field, its parent type or its type has an authorization rule
 *   (`authScopes`), unless the field answers null instead (`unauthorizedResolver`); FORBIDDEN too
 *   for a mutation field with one (a write may be refused to a viewer who is not the owner);
 * - NOT_FOUND for a nullable field returning rows (a lookup, a relation whose row is gone), a
 *   field with an ID argument or input field (the row it names may be missing), and a type with
 *   an owner rule (anyone else's object does not exist to them);
 * - UPSTREAM_* where a selected field calls an upstream service (`complexity: COST.upstream`);
 * - INTROSPECTION_DISABLED for `__schema` and `__type`.
 */
export function errorCodesOf(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fields: readonly SelectedField[],
  statements: number,
  rateLimited: boolean,
): Set<string> {
  const codes = new Set(["BAD_USER_INPUT"]);
  if (operation.operation !== "subscription") codes.add("EXECUTION_TIMEOUT");
  if (statements > 0) codes.add("DATABASE_UNAVAILABLE");
  if (rateLimited) codes.add("RATE_LIMITED");
  const mutation = schema.getMutationType();
  for (const { field, parent } of fields) {
    const options = extensionsOf(field).pothosOptions ?? {};
    const type = getNamedType(field.type);
    const guarded = hasAuthRule(field) || hasAuthRule(parent) || hasAuthRule(type);
    if (guarded && !options.unauthorizedResolver) codes.add("UNAUTHENTICATED");
    if (hasAuthRule(field) && parent === mutation) codes.add("FORBIDDEN");
    const rows = rowTypesOf(schema, field);
    if (
      (rows.length > 0 && !isNonNullType(field.type)) ||
      field.args.some((argument) => holdsId(argument.type)) ||
      rows.some((row) => (row.extensions as Record<string, unknown>)[OWNER_RULE])
    ) {
      codes.add("NOT_FOUND");
    }
    if (options.complexity === COST.upstream) {
      for (const code of ["UPSTREAM_TIMEOUT", "UPSTREAM_UNAVAILABLE", "UPSTREAM_BAD_RESPONSE"]) codes.add(code);
    }
  }
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD && ["__schema", "__type"].includes(selection.name.value)) {
      codes.add("INTROSPECTION_DISABLED");
    }
  }
  return codes;
}

function holdsId(type: GraphQLInputType, seen = new Set<GraphQLNamedType>()): boolean {
  const named = getNamedType(type);
  if (named === GraphQLID) return true;
  if (!isInputObjectType(named) || seen.has(named)) return false;
  seen.add(named);
  return Object.values(named.getFields()).some((field) => holdsId(field.type, seen));
}
