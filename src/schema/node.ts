import { resolveNodes } from "@pothos/plugin-relay";
import { type GraphQLResolveInfo, isObjectType } from "graphql";
import { builder, decodeGlobalId } from "./builder.ts";
import type { Context } from "./context.ts";
import { badInput, notFound } from "../errors.ts";
import { COST } from "./field-cost.ts";

// `node` and `nodes` take ids as plain strings and decode each one here, so one malformed or
// unknown id is an error for its own entry only (Relay's fields decode them all as arguments,
// where one bad id fails the whole field). An id of no existing object is null with NOT_FOUND, the
// same answer as an object its type's rule hides from the viewer: ids of others' objects cannot be probed.

type GlobalId = { typename: string; id: unknown };

/** The most ids one `nodes` call takes (a page's worth, as connections allow). */
const MAX_NODE_IDS = 100;

function decodeNodeId(raw: string, context: Context, info: GraphQLResolveInfo): GlobalId | Error {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalId(raw);
  } catch (error) {
    return error as Error;
  }
  const type = info.schema.getType(decoded.typename);
  if (!isObjectType(type) || !type.getInterfaces().some((face) => face.name === "Node")) {
    return badInput(`Invalid id: ${JSON.stringify(raw)}`);
  }
  const parse = type.extensions.pothosParseGlobalID as ((id: string, context: Context) => unknown) | undefined;
  return { typename: decoded.typename, id: parse ? parse(decoded.id, context) : decoded.id };
}

/**
 * Each id resolved on its own (Prisma batches the findUnique calls of one tick into one
 * statement), so an id of no object (Prisma's P2025) is null with NOT_FOUND for that entry alone.
 */
async function loadNodes(ids: readonly string[], context: Context, info: GraphQLResolveInfo) {
  return Promise.all(
    ids.map(async (raw) => {
      const id = decodeNodeId(raw, context, info);
      if (id instanceof Error) return id;
      try {
        const [node] = await resolveNodes(builder, context, info, [id]);
        return node ?? notFound(id.typename);
      } catch (error) {
        if ((error as { code?: unknown }).code === "P2025") return notFound(id.typename);
        throw error;
      }
    }),
  );
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description:
      "The object with this global id; null and NOT_FOUND when there is none or it is not the viewer's to read.",
    args: { id: t.arg.id({ required: true, description: "A global id, as returned in any object's `id`." }) },
    resolve: async (_root, args, context, info) => {
      const [node] = await loadNodes([String(args.id)], context, info);
      if (node instanceof Error) throw node;
      return node as never;
    },
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description:
      "The objects with these global ids, in order: null and NOT_FOUND for an id of no object (or one not the viewer's to read), an error for a malformed id; either leaves the others as they are.",
    args: {
      ids: t.arg.idList({
        required: true,
        description: `Global ids, as returned in objects' \`id\`: at most ${MAX_NODE_IDS}.`,
      }),
    },
    // What it selects, once per id asked for (not an assumed list length): the cost limit refuses a flood.
    complexity: (args) => ({ field: COST.field, multiplier: args.ids.length }),
    resolve: (_root, args, context, info) => {
      if (args.ids.length > MAX_NODE_IDS) throw badInput(`At most ${MAX_NODE_IDS} ids at once`, "ids");
      return loadNodes(args.ids.map(String), context, info) as never;
    },
  }),
}));
