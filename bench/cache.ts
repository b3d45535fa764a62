// Response cache scenarios: the same query served from the cache vs computed each time, and a
// read-heavy mix with its hit ratio, SQL saved and stale reads (bench/mix.ts).
import { spawn } from "node:child_process";
import { CONNECTIONS, load, probe, SECONDS, type Server, startServer } from "./servers.ts";

/** The feed a front page loads whole: 100 posts with bodies, authors and tags (the bench prints its size). */
const BIG_FEED = `query BigFeed { posts(first: 100) { edges { node { id title body likeCount commentCount createdAt author { handle name followerCount } tags { slug name } } } } }`;
const FEED = `query Feed { posts(first: 20) { edges { node { id title likeCount commentCount author { handle followerCount } tags { slug } } } } }`;

interface MixResult {
  reads: number;
  writes: number;
  hits: number;
  errors: number;
  checked: number;
  stale: number;
  unverifiable: number;
  readsPerSecond: number;
  hitRatio: number;
  statementsPerRead: number;
}

function mix(target: Server, checker: Server | undefined, seconds: number): Promise<MixResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bench/mix.ts", target.url, checker?.url ?? "-", String(seconds), "8"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`mix exited ${code}`))));
  });
}

export async function runCacheBench(databaseUrl: string, log: (line: string) => void) {
  const redisUrl = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `bench:${Date.now()}`;
  const servers: Server[] = [];
  try {
    const cached = await startServer("cached", ["src/main.ts", "serve"], 4620, databaseUrl, {
      REDIS_URL: redisUrl,
      CACHE_KEY_PREFIX: prefix,
    });
    servers.push(cached);
    const uncached = await startServer("uncached", ["src/main.ts", "serve"], 4621, databaseUrl, {
      RESPONSE_CACHE: "off",
    });
    servers.push(uncached);

    log(`\n## response cache: hit vs miss, posts(first: 20) with authors, counts, tags (Redis ${redisUrl})`);
    log(`   ${SECONDS} s each, ${CONNECTIONS} connections, load from a separate process\n`);
    log(`server     req/s    p50 ms    p99 ms   errors`);
    const rows: Record<string, { rps: number; p50: number; p99: number; errors: number }> = {};
    for (const server of [uncached, cached]) {
      const result = await load(server, FEED);
      rows[server.name] = result;
      const label = server.name === "cached" ? "hit" : "miss";
      log(
        `${label.padEnd(8)} ${result.rps.toFixed(1).padStart(7)} ${String(result.p50).padStart(9)} ${String(result.p99).padStart(9)} ${String(result.errors).padStart(8)}`,
      );
    }
    const ratio = (rows.cached?.rps ?? 0) / Math.max(rows.uncached?.rps ?? 1, 0.001);
    log(`\nthroughput hit/miss: ${ratio.toFixed(1)}x`);

    // A hit answers the stored bytes: a large hit should cost little more than the request floor.
    const bigFeedBytes = (await probe(cached, BIG_FEED)).bytes;
    const floor = await load(cached, "{ __typename }");
    const bigHit = await load(cached, BIG_FEED);
    const hitToFloor = bigHit.rps / Math.max(floor.rps, 0.001);
    log(`\n## a hit of the ${(bigFeedBytes / 1024).toFixed(0)} KB feed against the request floor, same server`);
    log(`shape               req/s    p50 ms    p99 ms   errors`);
    for (const [label, result] of [
      ["{ __typename }", floor],
      ["feed hit", bigHit],
    ] as const) {
      log(
        `${label.padEnd(16)} ${result.rps.toFixed(1).padStart(8)} ${String(result.p50).padStart(9)} ${String(result.p99).padStart(9)} ${String(result.errors).padStart(8)}`,
      );
    }
    log(`feed hit / { __typename }: ${hitToFloor.toFixed(2)}x (target >= 0.8x)`);
    rows.floor = floor;
    rows.bigFeedHit = bigHit;

    log(
      `\n## read-heavy mix: 95% reads (feed, post pages, profiles, viewer) / 5% writes (like, unlike, comment, follow, post), 40 users, 8 concurrent, ${SECONDS} s`,
    );
    const withCache = await mix(cached, uncached, SECONDS);
    const withoutCache = await mix(uncached, undefined, SECONDS);
    log(`run            reads/s   hit ratio   SQL/read   writes   stale reads (checked)   errors`);
    for (const [name, result] of [
      ["with cache", withCache],
      ["without cache", withoutCache],
    ] as const) {
      const staleText = name === "with cache" ? `${result.stale} (${result.checked})` : "n/a";
      log(
        `${name.padEnd(14)} ${result.readsPerSecond.toFixed(1).padStart(7)} ${(result.hitRatio * 100).toFixed(1).padStart(10)}% ${result.statementsPerRead.toFixed(2).padStart(10)} ${String(result.writes).padStart(8)}   ${staleText.padStart(21)} ${String(result.errors).padStart(8)}`,
      );
    }
    log(
      `(the cached run also sends every read to the uncached server to check it for staleness: its reads/s pays two requests per read, so the two reads/s figures are not comparable)`,
    );
    const saved = 1 - withCache.statementsPerRead / Math.max(withoutCache.statementsPerRead, 0.001);
    log(
      `\nSQL statements per read saved by the cache: ${(saved * 100).toFixed(1)}% (target hit ratio >= 90%, 0 stale reads)`,
    );
    return { hitToFloor, hitVsMiss: rows, mix: { withCache, withoutCache, saved } };
  } finally {
    for (const server of servers) server.process.kill("SIGTERM");
  }
}
