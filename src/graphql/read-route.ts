import { OperationTypeNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { WriteMarks } from "../cache/write-marks.ts";
import type { Replicas } from "../data/replicas.ts";
import type { Sql } from "../data/sql.ts";
import { type Change, collectWrites } from "../data/write-log.ts";
import type { Logger } from "../observability/logger.ts";
import type { RequestRecord } from "./request-record.ts";

/**
 * Where a request's loaders and root lists read (DATABASE_REPLICA_URLS), decided once per request
 * from its record, beside it; the context is built with the answer. Prisma (writes, transactions,
 * everything else) is always the primary's. A request reads from the primary when:
 * - it is not a query (a mutation reads its own writes; a subscription follows the primary's
 *   notifications; no operation chosen: default deny);
 * - its answer may be stored in the response cache: a stored answer is shared, so it is filled
 *   from the primary rather than from a replica that may not show the latest invalidated write;
 * - its viewer wrote lately and no replica has replayed the primary's WAL as far as the position
 *   remembered after that write (read-your-writes, across instances when the store is Redis);
 * - no replica is usable (down, or far behind: data/replicas.ts).
 */
export interface ReadRoutes {
  /** The request's reads, for its context: a replica's Sql or the primary's. */
  sqlOf(request: Request, viewerId: number | null): Sql | Promise<Sql>;
  /** After a mutation, the primary's WAL position is remembered for its viewer and the users it wrote. */
  plugin: Plugin;
}

export function createReadRoutes(options: {
  records: { of(request: Request): Pick<RequestRecord, "operationType"> | undefined };
  replicas: Replicas;
  marks: WriteMarks;
  primary: Sql;
  /** The response cache's own decision that this request's answer may be stored; unset: no response cache. */
  mayStore?: (request: Request) => boolean;
  logger?: Logger;
}): ReadRoutes {
  const { records, replicas, marks, primary, mayStore, logger } = options;
  const routes = new WeakMap<Request, Sql | Promise<Sql>>();

  const decide = (request: Request, viewerId: number | null): Sql | Promise<Sql> => {
    if (records.of(request)?.operationType !== OperationTypeNode.QUERY) return primary;
    if (mayStore?.(request)) return primary;
    const choose = (after: bigint | undefined) => {
      const chosen = replicas.choose(after);
      return chosen instanceof Promise ? chosen.then((sql) => sql ?? primary) : (chosen ?? primary);
    };
    if (viewerId === null) return choose(undefined);
    return marks.of(viewerId).then(choose, () => primary);
  };

  const remember = async (viewerId: number | null, changes: Change[]) => {
    const users = changes.flatMap((change) =>
      "typename" in change && change.typename === "User" && change.id !== undefined ? [change.id] : [],
    );
    // A user the mutation created (signUp) reads it at their next request with their new token.
    if (viewerId !== null) users.push(viewerId);
    if (users.length === 0) return;
    try {
      await marks.remember(users, await replicas.primaryLsn());
    } catch (error) {
      logger?.warn({ err: error }, "the primary's WAL position after a write is unknown");
    }
  };

  return {
    sqlOf(request, viewerId) {
      let route = routes.get(request);
      if (!route) {
        route = decide(request, viewerId);
        routes.set(request, route);
      }
      return route;
    },
    plugin: {
      // Whatever is not a query may have written (default deny).
      onExecute({ args, executeFn, setExecuteFn }) {
        const { request, viewerId } = args.contextValue as unknown as { request: Request; viewerId: number | null };
        if (records.of(request)?.operationType === OperationTypeNode.QUERY) return;
        setExecuteFn(async (executeArgs) => {
          const { result, changes } = await collectWrites(async () => executeFn(executeArgs));
          await remember(viewerId, changes);
          return result;
        });
      },
    },
  };
}
