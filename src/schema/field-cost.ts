import type { FieldComplexityValue } from "@pothos/plugin-complexity";
import { getNamedType, type GraphQLField, isListType, isNonNullType } from "graphql";
import { requestedPageSize } from "./page-size.ts";

/**
 * What a field weighs in an operation's cost (@pothos/plugin-complexity). Types declare the
 * heavier ones next to the field (`complexity: COST.upstream`); everything else is `defaultFieldCost`.
 */
export const COST = {
  /** A scalar or object field resolved from what its parent already loaded. */
  field: 1,
  /** A call to an upstream service (cached, but a miss is an HTTP request). */
  upstream: 10,
} as const;

/** A plain list without a page size: assumed this long. */
const LIST_LENGTH = 10;

/**
 * Connections multiply what they select by the page asked for (`first` or `last`, the default
 * page size when absent); a page size out of range is refused here, before anything executes, for
 * every connection. Their `edges` list does not multiply again. Other lists multiply by LIST_LENGTH.
 */
export function createDefaultFieldCost(page: { defaultSize: number; maxSize: number }) {
  return (args: Record<string, unknown>, _context: unknown, field: FieldShape) => {
    const named = getNamedType(field.type).name;
    if (named.endsWith("Connection") && field.args.some(isPageArg)) {
      return { field: COST.field, multiplier: requestedPageSize(args, page) } satisfies FieldComplexityValue;
    }
    if (isList(field) && named.endsWith("Edge")) return { field: COST.field, multiplier: 1 };
    if (isList(field)) return { field: COST.field, multiplier: LIST_LENGTH };
    return COST.field;
  };
}

const isPageArg = (arg: { name: string }) => arg.name === "first" || arg.name === "last";
/** The part of a GraphQLField a weight depends on. */
type FieldShape = Pick<GraphQLField<unknown, never>, "type" | "args">;

const isList = (field: FieldShape) => isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
