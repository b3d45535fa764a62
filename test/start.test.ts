import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stopProcess } from "./helpers/child-process.ts";
import { freePort } from "./helpers/free-port.ts";

// `npm start` on a machine with no database: embedded PostgreSQL, migrations, demo data, API.
// Runs the real CLI in a child process with its own data folder and ports.

const dataRoot = await mkdtemp(path.join(tmpdir(), "sokudo-start-"));
// As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
await chmod(dataRoot, 0o755);
const port = await freePort();
const pgPort = await freePort();
let child: ChildProcess | undefined;
/** Every start, so that one left running by a failed test is stopped too (it holds the port). */
const started: ChildProcess[] = [];
let output = "";

afterAll(async () => {
  // SIGTERM: a SIGKILLed start would leave its embedded PostgreSQL (own process group) running.
  for (const each of started) await stopProcess(each, "SIGTERM");
  await rm(dataRoot, { recursive: true, force: true });
});

/** `detached`: in its own process group, as `npm start` is in a terminal's foreground group. */
function start({ detached = false } = {}): Promise<void> {
  // A newcomer's environment: no database, no Redis (a shared Redis may hold other runs' entries), no secret.
  const { DATABASE_URL: _url, AUTH_SECRET: _secret, REDIS_URL: _redis, ...inherited } = process.env;
  const env = {
    ...inherited,
    NODE_ENV: "development",
    LOG_LEVEL: "info",
    PORT: String(port),
    HOST: "127.0.0.1",
    EMBEDDED_PG_DIR: path.join(dataRoot, "postgres"),
    EMBEDDED_PG_PORT: String(pgPort),
    // The shared test Redis (inherited REDIS_URL): keys of this run only, not the default prefix.
    CACHE_KEY_PREFIX: `test:start:${path.basename(dataRoot)}`,
  };
  child = spawn(process.execPath, ["src/main.ts", "start"], { env, detached, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Sokudo ready")) resolve();
    };
    child?.stdout?.on("data", onData);
    child?.stderr?.on("data", onData);
    child?.once("exit", (code) => reject(new Error(`exited with ${code} before ready:\n${output}`)));
  });
}

function stop(): Promise<number | null> {
  return new Promise((resolve) => {
    child?.once("exit", (code) => resolve(code));
    child?.kill("SIGTERM");
  });
}

async function query(body: string, token?: string) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return response.json();
}

describe("npm start with no DATABASE_URL", () => {
  it("starts an embedded PostgreSQL, migrates, seeds demo data and serves GraphQL; SIGTERM stops it all", async () => {
    await start();
    expect(output).toContain("starting embedded PostgreSQL");
    expect(output).toContain("applied migrations");
    expect(output).toMatch(/seeded 50 users, 300 posts, 1200 comments/);
    expect(output).toContain(`GraphiQL at http://127.0.0.1:${port}/graphql`);

    const posts = await query(
      JSON.stringify({ query: "{ posts(first: 3) { edges { node { title author { handle } } } } }" }),
    );
    expect(posts.data.posts.edges).toHaveLength(3);

    const login = await query(
      JSON.stringify({
        query: 'mutation { logIn(input: {email: "user1@example.com", password: "password"}) { token } }',
      }),
    );
    const viewer = await query(JSON.stringify({ query: "{ viewer { handle } }" }), login.data.logIn.token);
    expect(viewer.data.viewer.handle).toBe("user1");

    expect(output).toContain("demo upstreams");
    const insights = await query(
      JSON.stringify({
        query:
          '{ user(handle: "user2") { insights { reputation { rank } location { country } recommendedPosts { id } } } }',
      }),
    );
    expect(insights.errors).toBeUndefined();
    expect(insights.data.user.insights.reputation.rank).toBeGreaterThan(0);
    expect(insights.data.user.insights.recommendedPosts.length).toBeGreaterThan(0);

    expect(await stop()).toBe(0);
    expect(output).toContain("closed embedded PostgreSQL");
  }, 120_000);

  it("restarts on the kept data without migrating or seeding again, and keeps the generated secret", async () => {
    output = "";
    await start();
    expect(output).toContain("migrations: up to date");
    expect(output).not.toContain("seeded");
    expect(output).toContain("using the generated one");
    const users = await query(JSON.stringify({ query: "{ users(first: 100) { edges { node { id } } } }" }));
    expect(users.data.users.edges).toHaveLength(50);
    expect(await stop()).toBe(0);
  }, 120_000);

  it("Ctrl-C (SIGINT to the whole process group) closes HTTP, worker, pools, then PostgreSQL, and exits 0", async () => {
    output = "";
    await start({ detached: true });
    const started = output.length;
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    process.kill(-(child?.pid ?? 0), "SIGINT"); // what a terminal does on Ctrl-C
    expect(await exited).toBe(0);

    const linesAfterReady = output
      .slice(started)
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(linesAfterReady.filter((line) => line.level >= 40)).toEqual([]);
    // graphile-worker may report "Worker connected" a moment after "Sokudo ready", before the
    // signal: the shutdown is every line from the signal's on.
    const shutdownLines = linesAfterReady.slice(
      linesAfterReady.findIndex((line) => line.msg === "SIGINT received: shutting down"),
    );
    expect(shutdownLines.map((line) => line.msg)).toEqual([
      "SIGINT received: shutting down",
      "closed HTTP server",
      "closed job worker",
      "closed job events",
      "closed demo upstreams",
      "closed memory cache",
      "closed database pool",
      "closed embedded PostgreSQL",
    ]);
  }, 120_000);

  it("starts again after Ctrl-C without finding a dead worker pool", async () => {
    output = "";
    await start();
    expect(output).not.toMatch(/died|released its/);
    expect(output).not.toMatch(/"level":[456]0/);
    expect(await stop()).toBe(0);
  }, 120_000);
});
