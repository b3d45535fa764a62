// Upstream fan-out: User.insights for one user with five services at fixed latencies
// (100..500 ms), through Sokudo (cold, then the cached repeat) beside calling the same five
// services one after another.
import { startDemoUpstreams } from "../src/embedded/upstreams.ts";
import { UPSTREAM_SERVICES } from "../src/upstream/services.ts";
import { type Server, startServer } from "./servers.ts";

const LATENCIES = { reputation: 100, geo: 200, badges: 300, activity: 400, recommender: 500 };
const RUNS = 20;
const WARMUP = 500;
const INSIGHTS = `query Insights($handle: String!) { user(handle: $handle) { insights { reputation { score } location { country } badges { id } activity { streakDays } recommendedPosts { title } } } }`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const max = (values: number[]) => Math.max(...values);

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function runUpstreamBench(databaseUrl: string, log: (line: string) => void) {
  const demo = await startDemoUpstreams([...UPSTREAM_SERVICES], {
    failureRate: 0,
    latencyMs: LATENCIES,
    jitter: false,
  });
  let server: Server | undefined;
  let fullStack: Server | undefined;
  try {
    const urls = Object.fromEntries(
      UPSTREAM_SERVICES.map((name) => [`UPSTREAM_${name.toUpperCase()}_URL`, demo.urls[name]]),
    );
    server = await startServer("sokudo", ["src/main.ts", "serve"], 4630, databaseUrl, {
      ...urls,
      RESPONSE_CACHE: "off",
      REDIS_URL: process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      CACHE_KEY_PREFIX: `bench-upstream:${Date.now()}`,
    });
    // The same server with the response cache on: a repeat is answered whole from Redis.
    fullStack = await startServer("sokudo-response-cache", ["src/main.ts", "serve"], 4631, databaseUrl, {
      ...urls,
      REDIS_URL: process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      CACHE_KEY_PREFIX: `bench-upstream-rc:${Date.now()}`,
    });
    const query = (handle: string, target: Server | undefined = server) =>
      fetch(target?.url as string, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: INSIGHTS, variables: { handle } }),
      }).then(async (response) => {
        const body = (await response.json()) as { errors?: unknown };
        if (body.errors) throw new Error(JSON.stringify(body.errors));
      });
    const trivialQuery = (handle: string) =>
      fetch(server?.url as string, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: `{ user(handle: "${handle}") { handle } }` }),
      }).then((response) => response.json());
    // Connections, first-request compilation and both processes' JIT out of the way: the figures
    // are the servers' steady state, not their first requests.
    for (let i = 0; i < WARMUP; i++) {
      await query("user1000");
      await query("user1000", fullStack);
      await trivialQuery("user1000");
    }
    const trivial: number[] = [];
    const responseCacheRepeat: number[] = [];

    const sequential: number[] = [];
    const cold: number[] = [];
    const cachedRepeat: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const handle = `user${i}`;
      sequential.push(
        await timed(async () => {
          for (const name of UPSTREAM_SERVICES) {
            const path = name === "reputation" ? `/users?handles=${handle}` : `/users/${handle}`;
            await (await fetch(new URL(path, demo.urls[name]))).json();
          }
        }),
      );
      cold.push(await timed(() => query(handle)));
      cachedRepeat.push(await timed(() => query(handle)));
      await query(handle, fullStack);
      responseCacheRepeat.push(await timed(() => query(handle, fullStack)));
      trivial.push(await timed(() => trivialQuery(handle)));
    }
    // The same cached requests back to back (a busy server), 200 of each, interleaved.
    const hot = { upstreamCache: [] as number[], responseCache: [] as number[], trivial: [] as number[] };
    for (let i = 0; i < 200; i++) {
      const handle = `user${(i % RUNS) + 1}`;
      hot.upstreamCache.push(await timed(() => query(handle)));
      hot.responseCache.push(await timed(() => query(handle, fullStack)));
      hot.trivial.push(await timed(() => trivialQuery(handle)));
    }
    const slowest = Math.max(...Object.values(LATENCIES));
    log(
      `\n## upstream fan-out: User.insights, five services at ${Object.values(LATENCIES).join(", ")} ms, ${RUNS} users`,
    );
    const row = (label: string, values: number[]) =>
      log(`${label.padEnd(38)} ${median(values).toFixed(1).padStart(9)} ${max(values).toFixed(1).padStart(8)}`);
    log(`case                                   median ms   max ms`);
    row("sequential calls (the sum)", sequential);
    row("Sokudo, cold (upstream cache empty)", cold);
    row("Sokudo, repeat: upstream cache hits", cachedRepeat);
    row("Sokudo, repeat: response cache hit", responseCacheRepeat);
    row("(reference: { user { handle } })", trivial);
    log(`back to back (200 each, a busy server):`);
    row("Sokudo, repeat: upstream cache hits", hot.upstreamCache);
    row("Sokudo, repeat: response cache hit", hot.responseCache);
    row("(reference: { user { handle } })", hot.trivial);
    log(
      `\ncold overhead over the slowest service: ${(median(cold) - slowest).toFixed(1)} ms median (target <= 25 ms); cached repeat ${median(responseCacheRepeat).toFixed(1)} ms with the response cache, ${median(cachedRepeat).toFixed(1)} ms on upstream-cache hits alone (target < 5 ms); back to back ${median(hot.responseCache).toFixed(1)} and ${median(hot.upstreamCache).toFixed(1)} ms`,
    );
    return { latencies: LATENCIES, sequential, cold, cachedRepeat, responseCacheRepeat, trivial, hot };
  } finally {
    server?.process.kill("SIGTERM");
    fullStack?.process.kill("SIGTERM");
    await demo.close();
  }
}
