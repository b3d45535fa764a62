import { type AuthFailure, AuthScopeFailureType } from "@pothos/plugin-scope-auth";

/**
 * The rule of an owner-only type, declared once on the type (see `ownerOnly`) and enforced by
 * scope-auth wherever an object of the type is returned: root fields, `node`, `nodes`,
 * relations, connections, subscriptions. To anyone but its owner such an object does not
 * exist: NOT_FOUND, the answer for an id that was never there, so ids cannot be confirmed.
 */

/** Extensions a type or field carries so the infrastructure (cache scope, policy tests) can read its rule. */
export interface OwnerRuleExtensions {
  /** The field of the row that holds the owner's user id. */
  ownerField: string;
}

export const OWNER_RULE = "ownerRule";

/** Options for `builder.prismaNode` of a type (with an `id` key) that only its owner may read. */
export function ownerOnly<Row, Field extends keyof Row & string>(
  ownerField: Field,
  extensions: Record<string, unknown> = {},
) {
  return {
    // Checked as each object is completed (isTypeOf), so every path that returns one is covered.
    runScopesOnType: true,
    authScopes: (row: Row) => ({ owner: Number(row[ownerField]) }),
    // `node`/`nodes` load only the viewer's rows: anyone else's is missing to them.
    findUnique: (id: string, context: { viewerId: number | null }) => ({
      id: Number(id),
      ...visibleTo(ownerField, context.viewerId),
    }),
    // Read by the policy tests; the cache derives PRIVATE (at least) from `authScopes` itself.
    extensions: { ...extensions, [OWNER_RULE]: { ownerField } satisfies OwnerRuleExtensions },
  } as const;
}

/** Prisma `where` for the rows of an owner-only type the viewer may read (none when anonymous). */
export function visibleTo<Field extends string>(ownerField: Field, viewerId: number | null) {
  return { [ownerField]: viewerId ?? -1 } as Record<Field, number>;
}

/** Whether scope-auth denied because of an `owner` scope (then the answer is NOT_FOUND). */
export function deniedByOwnerRule(failure: AuthFailure): boolean {
  switch (failure.kind) {
    case AuthScopeFailureType.AuthScope:
      return failure.scope === "owner";
    case AuthScopeFailureType.AnyAuthScopes:
    case AuthScopeFailureType.AllAuthScopes:
      return failure.failures.some(deniedByOwnerRule);
    default:
      return false;
  }
}
