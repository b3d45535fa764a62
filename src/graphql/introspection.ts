import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getIntrospectionQuery,
  getNamedType,
  getOperationAST,
  isLeafType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  visit,
  BREAK,
} from "graphql";
import { getArgumentValues } from "graphql/execution/values.js";
import type { Plugin } from "graphql-yoga";
import type { Config } from "../config.ts";

/** on: anyone may introspect; authenticated: only a request with a valid viewer token; off: nobody. */
export type IntrospectionMode = Config["introspection"];

/**
 * How many full introspections (every option graphql-js has, as GraphiQL and codegen send) one
 * operation may cost: the answer's size is the schema's, multiplied by nothing a client chooses.
 */
const FULL_INTROSPECTIONS_PER_OPERATION = 2;

const refused = (code: string, message: string, http: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra, http } });

/**
 * `__schema` and `__type` (never `__typename`, always allowed) under INTROSPECTION, and costed:
 * the complexity plugin counts a root `__schema` as 1 whatever it selects, so 29 aliased
 * `__schema { types { fields { … } } }` — or one `types { fields { type { fields { … } } } }` —
 * were free. Here an operation's introspection costs the values its answer would hold, counted
 * against the schema itself, and may cost at most FULL_INTROSPECTIONS_PER_OPERATION full
 * introspections (INTROSPECTION_LIMIT_EXCEEDED, HTTP 400).
 */
export function useIntrospectionPolicy(
  schema: GraphQLSchema,
  mode: IntrospectionMode,
  /** The operation each request runs, from its request record (request-record.ts). */
  operationOf: (request: Request) => OperationDefinitionNode | undefined,
): Plugin {
  const maxCost = FULL_INTROSPECTIONS_PER_OPERATION * fullIntrospectionCost(schema);
  // Most documents never name an introspection field: they are told apart once, not walked per request.
  const mentionsIntrospection = new WeakMap<DocumentNode, boolean>();
  const mayIntrospect = (document: DocumentNode) => {
    let mentions = mentionsIntrospection.get(document);
    if (mentions === undefined) {
      mentions = false;
      visit(document, {
        Field(node) {
          if (node.name.value === SchemaMetaFieldDef.name || node.name.value === TypeMetaFieldDef.name) {
            mentions = true;
            return BREAK;
          }
          return undefined;
        },
      });
      mentionsIntrospection.set(document, mentions);
    }
    return mentions;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!mayIntrospect(args.document)) return;
      const operation = operationOf((args.contextValue as { request: Request }).request);
      if (operation?.operation !== "query") return; // introspection fields exist on the query type only
      const walk = new IntrospectionWalk(schema, args.document, args.variableValues ?? {});
      const fields = walk.rootFields(operation.selectionSet);
      if (fields.length === 0) return;
      const stop = (error: GraphQLError) => setResultAndStopExecution({ errors: [error] });
      if (mode === "off") {
        return stop(refused("INTROSPECTION_DISABLED", "Introspection is disabled on this server.", { status: 403 }));
      }
      if (mode === "authenticated" && (args.contextValue as { viewerId?: number | null }).viewerId == null) {
        return stop(
          refused("UNAUTHENTICATED", "Introspection needs a valid bearer token on this server.", {
            status: 401,
            headers: { "WWW-Authenticate": "Bearer" },
          }),
        );
      }
      const cost = walk.cost(fields);
      if (cost > maxCost) {
        stop(
          refused(
            "INTROSPECTION_LIMIT_EXCEEDED",
            `The operation's introspection costs ${cost}, over the limit of ${maxCost} (${FULL_INTROSPECTIONS_PER_OPERATION} full introspections).`,
            { status: 400 },
            { cost, maxCost },
          ),
        );
      }
    },
  };
}

/** The cost of graphql-js's full introspection query (every option on) against `schema`. */
export function fullIntrospectionCost(schema: GraphQLSchema): number {
  const document = parse(
    getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    }),
  );
  const operation = getOperationAST(document);
  if (!operation) throw new Error("graphql-js's introspection query has no operation");
  const walk = new IntrospectionWalk(schema, document, {});
  return walk.cost(walk.rootFields(operation.selectionSet));
}

/**
 * Counts the values an introspection selection answers (every field of every object, every list
 * item), resolved with graphql-js's own introspection resolvers against the schema. Remembered
 * per selection set and object, so the count costs the document's size times the schema's, never
 * the answer's.
 */
class IntrospectionWalk {
  readonly #schema: GraphQLSchema;
  readonly #fragments: Map<string, FragmentDefinitionNode>;
  readonly #variables: Record<string, unknown>;
  readonly #costs = new Map<SelectionSetNode, Map<unknown, number>>();

  constructor(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>) {
    this.#schema = schema;
    this.#variables = variables;
    this.#fragments = new Map(
      document.definitions.flatMap((definition) =>
        definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition]] : [],
      ),
    );
  }

  /** The operation's `__schema` and `__type` fields, through fragments and inline fragments. */
  rootFields(selectionSet: SelectionSetNode): FieldNode[] {
    return this.#fields(selectionSet).filter(
      (field) => field.name.value === SchemaMetaFieldDef.name || field.name.value === TypeMetaFieldDef.name,
    );
  }

  cost(rootFields: FieldNode[]): number {
    let cost = 0;
    for (const field of rootFields) {
      const definition = field.name.value === SchemaMetaFieldDef.name ? SchemaMetaFieldDef : TypeMetaFieldDef;
      cost += this.#fieldCost(field, definition, undefined);
    }
    return cost;
  }

  #fields(selectionSet: SelectionSetNode, seen = new Set<string>()): FieldNode[] {
    return selectionSet.selections.flatMap((selection) => {
      if (selection.kind === Kind.FIELD) return [selection];
      if (selection.kind === Kind.INLINE_FRAGMENT) return this.#fields(selection.selectionSet, seen);
      const fragment = this.#fragments.get(selection.name.value);
      // A fragment spread twice in one selection set merges: it answers once.
      if (!fragment || seen.has(fragment.name.value)) return [];
      seen.add(fragment.name.value);
      return this.#fields(fragment.selectionSet, seen);
    });
  }

  #fieldCost(node: FieldNode, definition: GraphQLField<unknown, unknown>, source: unknown): number {
    const type = getNamedType(definition.type);
    if (!node.selectionSet || isLeafType(type) || !isObjectType(type)) return 1;
    const value = definition.resolve?.(source, getArgumentValues(definition, node, this.#variables), undefined, {
      schema: this.#schema,
    } as GraphQLResolveInfo);
    const items: unknown[] = Array.isArray(value) ? value : [value];
    let cost = 1;
    for (const item of items) if (item != null) cost += this.#selectionCost(node.selectionSet, type, item);
    return cost;
  }

  #selectionCost(selectionSet: SelectionSetNode, type: GraphQLObjectType, source: unknown): number {
    let known = this.#costs.get(selectionSet);
    const remembered = known?.get(source);
    if (remembered !== undefined) return remembered;
    const fields = type.getFields();
    let cost = 0;
    for (const field of this.#fields(selectionSet)) {
      const definition = fields[field.name.value];
      cost += definition ? this.#fieldCost(field, definition, source) : 1; // __typename
    }
    if (!known) this.#costs.set(selectionSet, (known = new Map()));
    known.set(source, cost);
    return cost;
  }
}
