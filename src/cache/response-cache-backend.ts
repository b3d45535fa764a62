import type { Logger } from "../observability/logger.ts";
import type { RedisClient } from "./redis.ts";
import { createRedisGuard } from "./redis-guard.ts";
import { stringBytes } from "./store.ts";

/**
 * Storage for whole GraphQL responses with index sets for invalidation, never `KEYS`.
 *
 * - A response is stored under its key with a TTL, and its key is added to one index set per
 *   entity it contains (`e:Post:<id>`) and per type (`t:Post`). Index sets expire with the
 *   longest TTL of their members, so they never grow without bound.
 * - `invalidate(indexes)` deletes every response in those sets and records, per index, the
 *   generation at which it was invalidated.
 * - `get` returns the current generation with the value; `set` stores only if none of the
 *   response's indexes was invalidated after that generation. So a response computed from data
 *   a concurrent mutation has since changed is never stored (no stale entry from the race).
 * - An invalidation that could not be applied (Redis unreachable, breaker open) is remembered; once
 *   Redis answers again, and before anything is read, the generation is bumped and recorded as the
 *   floor: every response stored before the gap is ignored (and none computed before it is stored),
 *   even when Redis comes back with its data.
 * - On a Redis Cluster every key of the response cache carries one hash tag, `{<prefix>}`: each
 *   script reads and writes keys of one slot, so it stays atomic (the generation check, the index
 *   sets and the floor cannot be split across nodes). The cost: the whole response cache lives on
 *   the one master serving that slot (its memory and its load do not spread over the cluster;
 *   cache-aside values and rate-limit counters do). Spreading it would need per-index slots and
 *   invalidations that are no longer atomic: the generation check would have to move to reads.
 */
export interface ResponseCacheBackend {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<{ value: string | null; generation: number }>;
  /** False when the response was not stored (raced by an invalidation, or the store is away). */
  set(key: string, value: string, indexes: string[], ttlSeconds: number, generation: number): Promise<boolean>;
  /** Removes every response indexed under `indexes`; returns how many. */
  invalidate(indexes: string[]): Promise<number>;
  /** Makes every response stored so far stale (a write nothing more precise can describe). */
  invalidateAll(): Promise<void>;
  readonly outages: number;
}

// How long an index remembers its last invalidation: longer than any request takes.
const VERSION_TTL_SECONDS = 3_600;

// KEYS: response, floor, n index sets, n index versions. A response is stored with its generation.
const SET_SCRIPT = `
local n = tonumber(ARGV[4])
local floor = redis.call('GET', KEYS[2])
if floor and tonumber(floor) > tonumber(ARGV[3]) then return 0 end
for i = 1, n do
  local v = redis.call('GET', KEYS[2 + n + i])
  if v and tonumber(v) > tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[3] .. '\\n' .. ARGV[1], 'EX', ARGV[2])
for i = 1, n do
  redis.call('SADD', KEYS[2 + i], KEYS[1])
  redis.call('EXPIRE', KEYS[2 + i], ARGV[2], 'NX')
  redis.call('EXPIRE', KEYS[2 + i], ARGV[2], 'GT')
end
return 1`;

// After a gap in invalidations: everything stored before now is out of date.
const RAISE_FLOOR_SCRIPT = `
local generation = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], generation)
return generation`;

const INVALIDATE_SCRIPT = `
local generation = redis.call('INCR', KEYS[1])
local n = tonumber(ARGV[1])
local removed = 0
for i = 1, n do
  redis.call('SET', KEYS[1 + n + i], generation, 'EX', ARGV[2])
  local members = redis.call('SMEMBERS', KEYS[1 + i])
  for _, member in ipairs(members) do removed = removed + redis.call('UNLINK', member) end
  redis.call('UNLINK', KEYS[1 + i])
end
return removed`;

export function createRedisResponseCacheBackend(
  redis: RedisClient,
  options: { prefix?: string; logger?: Logger } = {},
): ResponseCacheBackend {
  // On one Redis the keys stay as they were: instances of the previous version keep sharing them.
  const family = options.prefix ?? "sokudo:rc";
  const prefix = redis.isCluster ? `{${family}}` : family;
  const guard = createRedisGuard(redis, { logger: options.logger });
  const generationKey = `${prefix}:generation`;
  const floorKey = `${prefix}:floor`;
  let missedInvalidations = 0;
  /** False while a missed invalidation is still unaccounted for (Redis not answering yet). */
  const raiseFloor = () =>
    guard.run(false, async () => {
      await redis.eval(RAISE_FLOOR_SCRIPT, 2, generationKey, floorKey);
      return true;
    });
  const settleMissedInvalidations = async (): Promise<boolean> => {
    if (missedInvalidations === 0) return true;
    const missed = missedInvalidations;
    const raised = await raiseFloor();
    if (raised) {
      missedInvalidations -= missed;
      options.logger?.warn(
        { missedInvalidations: missed },
        "Redis is back after missing invalidations: responses cached before the gap are ignored",
      );
    }
    return raised;
  };
  const responseKey = (key: string) => `${prefix}:r:${key}`;
  const indexKey = (index: string) => `${prefix}:i:${index}`;
  const versionKey = (index: string) => `${prefix}:v:${index}`;
  return {
    kind: "redis",
    get outages() {
      return guard.outages;
    },
    get: async (key) => {
      if (!(await settleMissedInvalidations())) return { value: null, generation: -1 };
      return guard.run({ value: null, generation: -1 }, async () => {
        const [stored, generation, floor] = await redis.mget(responseKey(key), generationKey, floorKey);
        const separator = stored?.indexOf("\n") ?? -1;
        const storedAt = stored && separator > 0 ? Number(stored.slice(0, separator)) : Number.NaN;
        const current = !Number.isNaN(storedAt) && storedAt >= Number(floor ?? 0);
        return { value: current ? (stored?.slice(separator + 1) ?? null) : null, generation: Number(generation ?? 0) };
      });
    },
    set: async (key, value, indexes, ttlSeconds, generation) => {
      if (generation < 0 || !(await settleMissedInvalidations())) return false;
      return guard.run(false, async () => {
        const stored = await redis.eval(
          SET_SCRIPT,
          2 + indexes.length * 2,
          responseKey(key),
          floorKey,
          ...indexes.map(indexKey),
          ...indexes.map(versionKey),
          value,
          Math.max(1, Math.ceil(ttlSeconds)),
          generation,
          indexes.length,
        );
        return stored === 1;
      });
    },
    invalidate: async (indexes) => {
      if (indexes.length === 0) return 0;
      await settleMissedInvalidations();
      const removed = await guard.run(null, async () => {
        const count = await redis.eval(
          INVALIDATE_SCRIPT,
          1 + indexes.length * 2,
          generationKey,
          ...indexes.map(indexKey),
          ...indexes.map(versionKey),
          indexes.length,
          VERSION_TTL_SECONDS,
        );
        return Number(count);
      });
      if (removed === null) missedInvalidations += 1;
      return removed ?? 0;
    },
    invalidateAll: async () => {
      // Not applied now: raised, as for any missed invalidation, once Redis answers.
      if (!(await raiseFloor())) missedInvalidations += 1;
    },
  };
}

/** Answers held in process memory: at most `maxEntries` of them and `maxBytes` of keys and answers, oldest first out. */
export function createMemoryResponseCacheBackend(
  options: { maxEntries?: number; maxBytes?: number; now?: () => number } = {},
) {
  const maxEntries = options.maxEntries ?? 5_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  let bytes = 0;
  const now = options.now ?? Date.now;
  const responses = new Map<string, { value: string; expiresAt: number; indexes: string[] }>();
  const indexMembers = new Map<string, Set<string>>();
  const versions = new Map<string, number>();
  let generation = 0;
  /** Responses computed at a generation below this are not stored (see invalidateAll). */
  let floor = 0;

  const remove = (key: string) => {
    const entry = responses.get(key);
    if (!entry) return false;
    responses.delete(key);
    bytes -= stringBytes(key, entry.value);
    for (const index of entry.indexes) {
      const members = indexMembers.get(index);
      members?.delete(key);
      if (members?.size === 0) indexMembers.delete(index);
    }
    return true;
  };

  const backend: ResponseCacheBackend = {
    kind: "memory",
    outages: 0,
    async get(key) {
      const entry = responses.get(key);
      if (entry && entry.expiresAt <= now()) remove(key);
      return { value: responses.get(key)?.value ?? null, generation };
    },
    async set(key, value, indexes, ttlSeconds, seenGeneration) {
      const size = stringBytes(key, value);
      if (seenGeneration < floor || size > maxBytes) return false;
      if (indexes.some((index) => (versions.get(index) ?? -1) > seenGeneration)) return false;
      remove(key);
      responses.set(key, { value, expiresAt: now() + ttlSeconds * 1000, indexes });
      bytes += size;
      for (const index of indexes) {
        let members = indexMembers.get(index);
        if (!members) indexMembers.set(index, (members = new Set()));
        members.add(key);
      }
      while (responses.size > maxEntries || bytes > maxBytes) {
        const oldest = responses.keys().next().value;
        if (oldest === undefined) break;
        remove(oldest);
      }
      return true;
    },
    async invalidateAll() {
      generation += 1;
      floor = generation;
      for (const key of [...responses.keys()]) remove(key);
    },
    async invalidate(indexes) {
      generation += 1;
      let removed = 0;
      for (const index of indexes) {
        versions.delete(index);
        versions.set(index, generation);
        // Only requests in flight need old versions: keep the most recent ones.
        if (versions.size > maxEntries * 10) versions.delete(versions.keys().next().value as string);
        for (const key of [...(indexMembers.get(index) ?? [])]) if (remove(key)) removed++;
      }
      return removed;
    },
  };
  return backend;
}
