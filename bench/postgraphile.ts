// Sokudo beside PostGraphile 5 on one seeded database: the same shapes with equivalent fields,
// one process and a pool of 10 each, Sokudo's response cache off (this compares misses),
// rounds alternating A B B A per shape so that drift on a shared machine weighs on both alike.
// PostGraphile is installed on demand under bench/postgraphile (never an app dependency).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";
import { describeMemory, METRICS_TOKEN, rssMb, settledRssMb, sokudoMemory, withPeakRss } from "./memory.ts";
import {
  type LoadRequest,
  type LoadResult,
  loadLoops,
  processCpuMs,
  SECONDS,
  type Server,
  serverCpuMs,
  startServer,
} from "./servers.ts";

const SOKUDO_PORT = 4692;
const POSTGRAPHILE_PORT = 4693;
const PEER_DIR = "bench/postgraphile";
/** The issue's setting: 8 connections for both servers (BENCH_CONNECTIONS overrides). */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
/** Users whose likes the mutation shape toggles, and posts per user it cycles through. */
const LIKERS = 8;
const POSTS_PER_LIKER = 100;
/** Seconds of load on each server per shape before its measured rounds. */
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 5);

interface Shape {
  name: string;
  sokudo: string;
  postgraphile: string;
}

export const nested = (users: number, posts: number, comments: number): Shape => ({
  name: `users(${users}) > posts(${posts}) > comments(${comments}) + author, + tags`,
  sokudo: `{ users(first: ${users}) { edges { node { handle posts(first: ${posts}) { edges { node { title tags { name } comments(first: ${comments}) { edges { node { body author { handle } } } } } } } } } } }`,
  postgraphile: `{ users(first: ${users}, orderBy: PRIMARY_KEY_ASC) { edges { node { handle authoredPosts(first: ${posts}, orderBy: PRIMARY_KEY_DESC) { edges { node { title _postToTagsByA { nodes { tagByB { name } } } comments(first: ${comments}, orderBy: PRIMARY_KEY_ASC) { edges { node { body author { handle } } } } } } } } } } }`,
});

const POINT_POST_ID = 4242;
const SHAPES: Shape[] = [
  nested(20, 5, 5),
  nested(50, 10, 10),
  {
    name: "one post by id + author",
    sokudo: `{ post(id: "${globalId("Post", POINT_POST_ID)}") { title body createdAt author { handle name } } }`,
    postgraphile: `{ post(rowId: ${POINT_POST_ID}) { title body createdAt author { handle name } } }`,
  },
  { name: "{ __typename }", sokudo: "{ __typename }", postgraphile: "{ __typename }" },
];
/** The bench fails when Sokudo's RSS after the run exceeds this multiple of its RSS after warm-up. */
const RSS_GROWTH_LIMIT = 1.5;
const MUTATION = "like + unlike (per request)";

interface Row {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statements: number;
  rssMb: number;
  /** RSS after 3 s without load once the shape's rounds are over. */
  settledRssMb: number;
  /** CPU time per operation of the server process and of its PostgreSQL backends (Linux /proc). */
  cpuMs: number;
  pgCpuMs: number;
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

export async function runPostGraphileBench(databaseUrl: string, log: (line: string) => void) {
  await installPeer(log);
  const servers: Server[] = [];
  try {
    // BENCH_CPU_PROFILE=<dir>: Sokudo's server writes a V8 CPU profile there when it exits
    // (summarise it with `node bench/cpu-profile-top.ts <file>`, or open it in Chrome DevTools).
    const profile = process.env.BENCH_CPU_PROFILE
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
      : [];
    const sokudo = await startServer("sokudo", [...profile, "src/main.ts", "serve"], SOKUDO_PORT, databaseUrl, {
      RESPONSE_CACHE: "off",
      METRICS_TOKEN,
    });
    servers.push(sokudo);
    const peer = await startServer("postgraphile", [`${PEER_DIR}/server.ts`], POSTGRAPHILE_PORT, databaseUrl);
    servers.push(peer);

    const likes = await likeLoops(databaseUrl, sokudo);
    const memory = {
      start: { sokudo: await rssMb(sokudo), postgraphile: await rssMb(peer) },
      afterWarmUp: { sokudo: 0, postgraphile: 0 },
      peak: { sokudo: 0, postgraphile: 0 },
    };
    const sokudoBreakdown = [`idle: ${describeMemory(await sokudoMemory(sokudo))}`];
    log(`\n## Sokudo vs PostGraphile 5 (amber + simplify-inflection), response cache off, pool of 10 each`);
    log(`   ${SECONDS} s rounds in order S P P S per shape, ${CONNECTIONS} connections, load from a separate process`);
    log(`   req/s: mean of the two rounds; p50/p99: the worse round; RSS: the most seen during the rounds;`);
    log(
      `   CPU ms/op: the server process's and its PostgreSQL backends' CPU time per request (steadier than req/s on a busy machine)\n`,
    );
    log(`   RSS MB: peak during the rounds / settled 3 s after them\n`);
    log(
      `shape                                                   server        req/s   p50 ms   p99 ms  SQL/op  RSS MB peak/settled  CPU ms/op (node, PostgreSQL)  errors`,
    );
    const results: Record<string, { sokudo: Row; postgraphile: Row; ratio: number }> = {};
    const shapes = [
      ...SHAPES.map((shape) => ({
        name: shape.name,
        sokudo: [[{ body: JSON.stringify({ query: shape.sokudo }) }]],
        postgraphile: [[{ body: JSON.stringify({ query: shape.postgraphile }) }]],
        afterRound: undefined as (() => Promise<void>) | undefined,
      })),
      { name: MUTATION, ...likes },
    ];
    for (const shape of shapes) {
      const statements = {
        sokudo: await statementsPerOperation(sokudo, shape.sokudo),
        postgraphile: await statementsPerOperation(peer, shape.postgraphile),
      };
      await warmUp(sokudo, shape.sokudo);
      await warmUp(peer, shape.postgraphile);
      // Then each under the round's own load until its JIT has settled (40 requests left
      // PostGraphile's CPU per request anywhere between 2.3 and 4.2 ms from one run to the next).
      for (const [server, loops] of [
        [sokudo, shape.sokudo],
        [peer, shape.postgraphile],
      ] as const) {
        await loadLoops(server, loops, { connections: CONNECTIONS, seconds: WARM_SECONDS });
        await shape.afterRound?.();
      }
      if (shape === shapes[0]) {
        memory.afterWarmUp = { sokudo: await rssMb(sokudo), postgraphile: await rssMb(peer) };
        sokudoBreakdown.push(`after the first warm-up: ${describeMemory(await sokudoMemory(sokudo))}`);
      }
      const rounds = { sokudo: [] as LoadResult[], postgraphile: [] as LoadResult[] };
      const rss = { sokudo: 0, postgraphile: 0 };
      const cpu = { sokudo: { node: 0, pg: 0 }, postgraphile: { node: 0, pg: 0 } };
      for (const name of ["sokudo", "postgraphile", "postgraphile", "sokudo"] as const) {
        const server = name === "sokudo" ? sokudo : peer;
        const usage = await measureUsage(server, databaseUrl, name);
        const { result, rssMb } = await withPeakRss(
          server,
          loadLoops(server, shape[name], { connections: CONNECTIONS }),
        );
        const used = await usage.stop();
        cpu[name].node += used.nodeMs;
        cpu[name].pg += used.pgMs;
        rounds[name].push(result);
        rss[name] = Math.max(rss[name], rssMb);
        await shape.afterRound?.();
      }
      const settled = { sokudo: await settledRssMb(sokudo), postgraphile: await rssMb(peer) };
      for (const name of ["sokudo", "postgraphile"] as const)
        memory.peak[name] = Math.max(memory.peak[name], rss[name]);
      const row = (name: "sokudo" | "postgraphile"): Row => ({
        rps: rounds[name].reduce((sum, round) => sum + round.rps, 0) / rounds[name].length,
        p50: Math.max(...rounds[name].map((round) => round.p50)),
        p99: Math.max(...rounds[name].map((round) => round.p99)),
        errors: rounds[name].reduce((sum, round) => sum + round.errors, 0),
        statements: statements[name],
        rssMb: rss[name],
        settledRssMb: settled[name],
        cpuMs:
          cpu[name].node /
          Math.max(
            1,
            rounds[name].reduce((sum, round) => sum + round.requests, 0),
          ),
        pgCpuMs:
          cpu[name].pg /
          Math.max(
            1,
            rounds[name].reduce((sum, round) => sum + round.requests, 0),
          ),
      });
      const both = { sokudo: row("sokudo"), postgraphile: row("postgraphile") };
      const ratio = both.sokudo.rps / Math.max(both.postgraphile.rps, 1e-9);
      results[shape.name] = { ...both, ratio };
      for (const name of ["sokudo", "postgraphile"] as const) {
        const r = both[name];
        log(
          `${(name === "sokudo" ? shape.name : "").padEnd(55)} ${name.padEnd(12)} ${pad(r.rps.toFixed(1), 8)} ${pad(r.p50, 8)} ${pad(r.p99, 8)} ${pad(r.statements, 7)} ${pad(`${r.rssMb.toFixed(0)}/${r.settledRssMb.toFixed(0)}`, 20)} ${pad(r.cpuMs.toFixed(2), 8)} ${pad(r.pgCpuMs.toFixed(2), 7)} ${pad(r.errors, 7)}`,
        );
      }
      log(`${"".padEnd(55)} ratio        ${pad(ratio.toFixed(2) + "x", 8)}`);
    }
    log(`\nthroughput ratio sokudo/postgraphile (target: nested lists >= 1.0x, point lookup >= 0.8x):`);
    for (const [name, result] of Object.entries(results)) log(`  ${name.padEnd(55)} ${result.ratio.toFixed(2)}x`);
    sokudoBreakdown.push(`after the run: ${describeMemory(await sokudoMemory(sokudo))}`);
    const end = { sokudo: await rssMb(sokudo), postgraphile: await rssMb(peer) };
    log(`\nmemory (RSS MB)            start  after warm-up  peak  end   end/after warm-up (target <= 1.5x)`);
    for (const name of ["sokudo", "postgraphile"] as const) {
      log(
        `  ${name.padEnd(22)} ${pad(memory.start[name].toFixed(0), 7)} ${pad(memory.afterWarmUp[name].toFixed(0), 14)} ${pad(memory.peak[name].toFixed(0), 5)} ${pad(end[name].toFixed(0), 5)} ${pad((end[name] / memory.afterWarmUp[name]).toFixed(2) + "x", 8)}`,
      );
    }
    log(
      `  peak RSS sokudo/postgraphile: ${(memory.peak.sokudo / memory.peak.postgraphile).toFixed(2)}x (target <= 1.0x)`,
    );
    log(`\nsokudo's memory by kind (MB, from its /metrics):`);
    for (const line of sokudoBreakdown) log(`  ${line}`);
    const growth = end.sokudo / memory.afterWarmUp.sokudo;
    if (growth > RSS_GROWTH_LIMIT)
      throw new Error(
        `sokudo's RSS after the run (${end.sokudo.toFixed(0)} MB) is ${growth.toFixed(2)}x its value after warm-up (${memory.afterWarmUp.sokudo.toFixed(0)} MB): over ${RSS_GROWTH_LIMIT}x`,
      );
    return { shapes: results, memory: { ...memory, end, sokudoBreakdown } };
  } finally {
    for (const server of servers) server.process.kill("SIGTERM");
  }
}

/** `npm ci` in bench/postgraphile the first time (its lock file pins PostGraphile 5). */
async function installPeer(log: (line: string) => void) {
  if (existsSync(`${PEER_DIR}/node_modules/postgraphile/package.json`)) return;
  log(`installing PostGraphile into ${PEER_DIR} (first run only)`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: PEER_DIR,
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm ci in ${PEER_DIR} exited ${code}`))));
  });
}

export function globalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`).toString("base64");
}

/**
 * The mutation shape on both servers: each loop likes one post as one user, then unlikes it,
 * both answering with the post's title. Pairs are ones the seed did not like, so every like is
 * an insert and every unlike a delete; loops cycle through 800 pairs, 8 connections at a time.
 */
async function likeLoops(databaseUrl: string, sokudo: Server) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const pairs: { userId: number; email: string; postId: number }[] = [];
  try {
    const users = await client.query<{ id: number; email: string }>(
      `SELECT id, email FROM users WHERE email LIKE 'user%@example.com' ORDER BY id LIMIT $1`,
      [LIKERS],
    );
    for (const user of users.rows) {
      const posts = await client.query<{ id: number }>(
        `SELECT p.id FROM posts p WHERE NOT EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.user_id = $1)
         ORDER BY p.id LIMIT $2`,
        [user.id, POSTS_PER_LIKER],
      );
      for (const post of posts.rows) pairs.push({ userId: user.id, email: user.email, postId: post.id });
    }
  } finally {
    await client.end();
  }
  const tokens = new Map<string, string>();
  for (const email of new Set(pairs.map((pair) => pair.email))) {
    const response = await fetch(sokudo.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation($e: String!) { logIn(input: { email: $e, password: "password" }) { token } }`,
        variables: { e: email },
      }),
    });
    const body = (await response.json()) as { data?: { logIn: { token: string } } };
    if (!body.data) throw new Error(`logIn ${email}: ${JSON.stringify(body)}`);
    tokens.set(email, body.data.logIn.token);
  }
  // Interleave users so that consecutive loops (running at the same time) are different users.
  pairs.sort((a, b) => a.postId - b.postId || a.userId - b.userId);
  const sokudoLoops: LoadRequest[][] = pairs.map(({ email, postId }) => {
    const headers = { authorization: `Bearer ${tokens.get(email)}` };
    const variables = { id: globalId("Post", postId) };
    return [
      {
        body: JSON.stringify({
          query: `mutation($id: ID!) { likePost(input: { postId: $id }) { post { title } } }`,
          variables,
        }),
        headers,
      },
      {
        body: JSON.stringify({
          query: `mutation($id: ID!) { unlikePost(input: { postId: $id }) { post { title } } }`,
          variables,
        }),
        headers,
      },
    ];
  });
  const peerLoops: LoadRequest[][] = pairs.map(({ userId, postId }) => {
    const variables = { u: userId, p: postId };
    return [
      {
        body: JSON.stringify({
          query: `mutation($u: Int!, $p: Int!) { createLike(input: { like: { userId: $u, postId: $p } }) { like { post { title } } } }`,
          variables,
        }),
      },
      {
        body: JSON.stringify({
          query: `mutation($u: Int!, $p: Int!) { deleteLike(input: { userId: $u, postId: $p }) { like { post { title } } } }`,
          variables,
        }),
      },
    ];
  });
  // A round can stop between a like and its unlike: clear the pairs before the next round.
  const afterRound = async () => {
    const cleaner = new pg.Client({ connectionString: databaseUrl });
    await cleaner.connect();
    try {
      await cleaner.query(
        `DELETE FROM likes l USING unnest($1::int[], $2::int[]) AS pair(user_id, post_id)
         WHERE l.user_id = pair.user_id AND l.post_id = pair.post_id`,
        [pairs.map((pair) => pair.userId), pairs.map((pair) => pair.postId)],
      );
    } finally {
      await cleaner.end();
    }
  };
  return { sokudo: sokudoLoops, postgraphile: peerLoops, afterRound };
}

/** SQL statements per request, averaged over one pass of the first loop, sent alone. */
async function statementsPerOperation(server: Server, loops: LoadRequest[][]): Promise<number> {
  const loop = loops[0] ?? [];
  let total = 0;
  for (const request of loop) {
    if (server.name === "sokudo") {
      const response = await send(server, request);
      total += Number(response.headers.get("server-timing")?.match(/desc="(\d+) statement/)?.[1]);
    } else {
      const before = await peerStatements(server);
      await send(server, request);
      total += (await peerStatements(server)) - before;
    }
  }
  return total / Math.max(loop.length, 1);
}

async function send(server: Server, request: LoadRequest): Promise<Response> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...request.headers },
    body: request.body,
  });
  const text = await response.text();
  if (!response.ok || text.includes('"errors"')) throw new Error(`${server.name}: ${response.status} ${text}`);
  return response;
}

async function peerStatements(server: Server): Promise<number> {
  const response = await fetch(new URL("/statements", server.url));
  return ((await response.json()) as { statements: number }).statements;
}

/** 40 passes over the loops, 4 at a time, answers discarded. */
export async function warmUp(server: Server, loops: LoadRequest[][]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 10; i++) {
        const loop = loops[next++ % loops.length] ?? [];
        for (const request of loop) await send(server, request);
      }
    }),
  );
}

/**
 * Starts counting the CPU used by a server's processes (with WEB_CONCURRENCY's API processes) and
 * by the PostgreSQL backends of its pool (found by application_name; PostgreSQL on this machine,
 * as the benchmark runs it).
 */
export async function measureUsage(server: Server, databaseUrl: string, applicationName: string) {
  const backends = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [applicationName],
      );
      return rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  };
  const nodeBefore = await serverCpuMs(server);
  const pgBefore = new Map<number, number>();
  for (const backend of await backends()) pgBefore.set(backend, await processCpuMs(backend));
  return {
    async stop() {
      const nodeMs = (await serverCpuMs(server)) - nodeBefore;
      let pgMs = 0;
      for (const backend of new Set([...pgBefore.keys(), ...(await backends())])) {
        const now = await processCpuMs(backend);
        if (now > 0) pgMs += now - (pgBefore.get(backend) ?? 0);
      }
      return { nodeMs, pgMs };
    },
  };
}
