import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Context } from "./context.ts";
import { badInput, notFound, unauthenticated } from "../errors.ts";
import { createDefaultFieldCost } from "./field-cost.ts";
import type PrismaTypes from "../data/generated/pothos-prisma-types.ts";
import { getDatamodel } from "../data/generated/pothos-prisma-types.ts";
import { deniedByOwnerRule } from "./owner-rule.ts";

/** Page sizes: what a connection returns without `first`, and the most it returns with it. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  /** `owner`: the viewer is the user with this id (the rule of owner-only types, schema/owner-rule.ts). */
  AuthScopes: { loggedIn: boolean; owner: number };
  Scalars: { DateTime: { Input: Date; Output: Date }; JSON: { Input: unknown; Output: unknown } };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // Errors before Prisma, so prismaField and friends take `errors` (plugin-errors' README).
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  // A mutation's expected failures are members of its result union beside its payload (no `data`
  // wrapper): `<Name>Result = <Name>Payload | InputError | ...` (schema/mutation-errors.ts).
  errors: { directResult: true, defaultTypes: [] },
  // Field weights only: useCostLimit (src/graphql/cost.ts) enforces the budget before execution.
  complexity: {
    fieldComplexity: createDefaultFieldCost({ defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }),
  },
  scopeAuth: {
    authScopes: (context) => ({
      loggedIn: context.viewerId !== null,
      owner: (ownerId) => context.viewerId !== null && context.viewerId === ownerId,
    }),
    // Someone else's owner-only object answers as a missing one would: its id is not confirmed.
    unauthorizedError: (_parent, _context, info, result) =>
      deniedByOwnerRule(result.failure)
        ? notFound(
            // A type's rule names the type ("... read fields for Job"); a field's rule, the field.
            result.message.match(/read fields for (\w+)$/)?.[1] ?? `${info.parentType.name}.${info.fieldName}`,
          )
        : unauthenticated(),
  },
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    // Off everywhere: the statement-count tests keep resolvers from reading more than they need, and a
    // per-environment switch here would read the environment outside config.ts.
    onUnusedQuery: null,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    edgesFieldOptions: { nullable: false, description: "The results of this page, in order." },
    nodeFieldOptions: { nullable: false, description: "The result." },
    decodeGlobalID: decodeGlobalId,
    // src/schema/node.ts defines `node` and `nodes`: one bad id must not fail its siblings.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // What GraphiQL's docs pane says about the parts every connection shares.
    firstArgOptions: {
      description: `How many results from the start (or after \`after\`): default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}.`,
    },
    afterArgOptions: {
      description: "Start after this cursor (a `cursor` or `pageInfo.endCursor` of a previous page).",
    },
    lastArgOptions: {
      description: `How many results from the end (or before \`before\`): default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}.`,
    },
    beforeArgOptions: { description: "End before this cursor (a `cursor` or `pageInfo.startCursor`)." },
    cursorFieldOptions: { description: "Pass as `after` (or `before`) to continue from this result." },
    pageInfoFieldOptions: { description: "Whether there are more pages, and the cursors to ask for them." },
    // Connection wrappers hold nothing of their own: their fields' types decide (cache/cache-scope.ts).
    defaultConnectionTypeOptions: {
      description: "One page of a list: `edges` (each a result and its cursor), and `pageInfo` for the next page.",
      extensions: { cacheScope: "PUBLIC" },
    },
    defaultEdgeTypeOptions: {
      description: "One result of a page, with the cursor that points at it.",
      extensions: { cacheScope: "PUBLIC" },
    },
    pageInfoTypeOptions: {
      description: "Where a page sits in its list (Relay cursor pagination).",
      extensions: { cacheScope: "PUBLIC" },
    },
    hasNextPageFieldOptions: { description: "True when results follow this page: ask again with `after: endCursor`." },
    hasPreviousPageFieldOptions: {
      description: "True when results precede this page: ask again with `before: startCursor`.",
    },
    startCursorFieldOptions: { description: "The cursor of the page's first result; null for an empty page." },
    endCursorFieldOptions: { description: "The cursor of the page's last result; null for an empty page." },
    nodeTypeOptions: { description: "An object with a global id, which `node(id:)` fetches again." },
    idFieldOptions: { description: "Global id: opaque, stable, and unique across types." },
  },
});

/** The largest id a PostgreSQL `integer` column holds. */
const MAX_DATABASE_ID = 2_147_483_647;

/** Global ids are base64url("Type:id"); anything else is the client's mistake, not ours. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  const typename = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (
    separator <= 0 ||
    !/^[A-Z][A-Za-z]*$/.test(typename) ||
    !/^[1-9]\d{0,9}$/.test(id) ||
    Number(id) > MAX_DATABASE_ID
  ) {
    throw badInput(`Invalid id: ${JSON.stringify(globalId)}`);
  }
  return { typename, id };
}
