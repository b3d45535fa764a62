import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Context } from "./context.ts";
import { badInput, unauthenticated } from "./errors.ts";
import type PrismaTypes from "./generated/pothos-prisma-types.ts";
import { getDatamodel } from "./generated/pothos-prisma-types.ts";

/** Page sizes: what a connection returns without `first`, and the most it returns with it. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { loggedIn: boolean };
  Scalars: { DateTime: { Input: Date; Output: Date }; JSON: { Input: unknown; Output: unknown } };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => ({ loggedIn: context.viewerId !== null }),
    unauthorizedError: () => unauthenticated(),
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
    edgesFieldOptions: { nullable: false, description: "The results of this page, in order." },
    nodeFieldOptions: { nullable: false, description: "The result." },
    decodeGlobalID: decodeGlobalId,
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
    defaultConnectionTypeOptions: {
      description: "One page of a list: `edges` (each a result and its cursor), and `pageInfo` for the next page.",
    },
    defaultEdgeTypeOptions: { description: "One result of a page, with the cursor that points at it." },
    pageInfoTypeOptions: { description: "Where a page sits in its list (Relay cursor pagination)." },
    hasNextPageFieldOptions: { description: "True when results follow this page: ask again with `after: endCursor`." },
    hasPreviousPageFieldOptions: {
      description: "True when results precede this page: ask again with `before: startCursor`.",
    },
    startCursorFieldOptions: { description: "The cursor of the page's first result; null for an empty page." },
    endCursorFieldOptions: { description: "The cursor of the page's last result; null for an empty page." },
    nodeTypeOptions: { description: "An object with a global id, which `node(id:)` fetches again." },
    idFieldOptions: { description: "Global id: opaque, stable, and unique across types." },
    nodeQueryOptions: {
      description: "The object with this global id, of any type; null when there is none.",
      args: { id: { description: "A global id, as returned in any object's `id`." } },
    },
    nodesQueryOptions: {
      description: "The objects with these global ids, in the same order; null for each that is missing.",
      args: { ids: { description: "Global ids, as returned in objects' `id`." } },
    },
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
