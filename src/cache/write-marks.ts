import { LRUCache } from "lru-cache";
import type { CacheStore } from "./store.ts";

/**
 * Per user, the primary's WAL position after their last write: a replica that has not replayed
 * that far would not show it to them. Kept in process memory, and in the shared store when it is
 * Redis, so that the next request finds it on whichever instance it reaches (a Redis outage reads
 * as no mark: on this instance its own memory still has it).
 */
export interface WriteMarks {
  /** The position to read at for this user; undefined: any replica will do. */
  of(userId: number): Promise<bigint | undefined>;
  remember(userIds: Iterable<number>, lsn: bigint): Promise<void>;
}

/**
 * Long past the lag at which a replica is skipped (data/replicas.ts: 10 s): a replica still in use
 * has replayed every commit older than that.
 */
const MARK_TTL_SECONDS = 60;

export function createWriteMarks(store: CacheStore | undefined): WriteMarks {
  const local = new LRUCache<number, bigint>({ max: 100_000, ttl: MARK_TTL_SECONDS * 1000 });
  const shared = store?.kind === "redis" ? store : undefined;
  const key = (userId: number) => `lsn:${userId}`;
  return {
    async of(userId) {
      const mine = local.get(userId);
      const text = shared ? await shared.get(key(userId)) : null;
      const theirs = text !== null && /^\d+$/.test(text) ? BigInt(text) : undefined;
      if (mine === undefined) return theirs;
      return theirs !== undefined && theirs > mine ? theirs : mine;
    },
    async remember(userIds, lsn) {
      const writes: Promise<void>[] = [];
      for (const userId of new Set(userIds)) {
        const known = local.get(userId);
        if (known === undefined || known < lsn) local.set(userId, lsn);
        // A plain SET: two writes by one user on two instances at once may leave the earlier position (documented).
        if (shared) writes.push(shared.set(key(userId), String(lsn), MARK_TTL_SECONDS));
      }
      await Promise.all(writes);
    },
  };
}
