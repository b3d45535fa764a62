import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll } from "vitest";

/** The test Redis: REDIS_URL, or the machine's 127.0.0.1:6379. Unreachable fails the test file loudly. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export async function useTestRedis(): Promise<{ redis: Redis; prefix: string }> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`The tests need Redis at ${TEST_REDIS_URL} (set REDIS_URL): ${String(error)}`, { cause: error });
  }
  afterAll(() => redis.quit());
  return { redis, prefix: `test:${randomBytes(4).toString("hex")}` };
}
