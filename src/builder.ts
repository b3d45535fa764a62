import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Context } from "./context.ts";
import { badInput, notFound, unauthenticated } from "./errors.ts";
import type PrismaTypes from "./generated/pothos-prisma-types.ts";
import { getDatamodel } from "./generated/pothos-prisma-types.ts";
import { deniedByOwnerRule } from "./schema/owner-rule.ts";

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
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
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
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    decodeGlobalID: decodeGlobalId,
    // A missing object, or one its rule hides from the viewer (owner-only types load only the
    // viewer's), is null with NOT_FOUND: the answer of every other path, so ids cannot be probed.
    nodeQueryOptions: {
      resolve: async (_root, { id }, _context, _info, resolveNode) =>
        (await resolveNode(id)) ?? Promise.reject(notFound(id.typename)),
    },
    nodesQueryOptions: {
      resolve: async (_root, { ids }, _context, _info, resolveNodes) =>
        (await resolveNodes(ids)).map((node, index) =>
          node === null || node === undefined ? Promise.reject(notFound(ids[index]?.typename ?? "Node")) : node,
        ),
    },
    // Connection wrappers hold nothing of their own: their fields' types decide (cache/cache-scope.ts).
    defaultConnectionTypeOptions: { extensions: { cacheScope: "PUBLIC" } },
    defaultEdgeTypeOptions: { extensions: { cacheScope: "PUBLIC" } },
    pageInfoTypeOptions: { extensions: { cacheScope: "PUBLIC" } },
  },
});

/** Global ids are base64url("Type:id"); anything else is the client's mistake, not ours. */
function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  const typename = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (separator <= 0 || !/^[A-Z][A-Za-z]*$/.test(typename) || !/^[1-9]\d{0,9}$/.test(id)) {
    throw badInput(`Invalid id: ${JSON.stringify(globalId)}`);
  }
  return { typename, id };
}
