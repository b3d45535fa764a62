import { seededRandom } from "../../../prisma/seeded-random.ts";

/** The one source of randomness of a differential run: the same seed, the same operations. */
export function createRandom(seed: number) {
  const next = seededRandom(seed);
  const int = (max: number) => Math.floor(next() * max);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[int(items.length)] as T;
    },
    /** Up to `max` distinct items, in random order (at least one when `items` has any). */
    some: <T>(items: readonly T[], max = items.length): T[] => {
      const pool = [...items];
      const chosen: T[] = [];
      for (let count = 1 + int(Math.min(max, pool.length)); count > 0 && pool.length > 0; count--) {
        chosen.push(pool.splice(int(pool.length), 1)[0] as T);
      }
      return chosen;
    },
  };
}

export type Random = ReturnType<typeof createRandom>;
