import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { forwardOutput } from "./helpers/child-process.ts";

// `npm run check-operations`, run as a frontend's CI runs it: the real CLI in a child process.

const WEB_CLIENT = "examples/web-client/src/gql/persisted-documents.json";
const scratch = await mkdtemp(path.join(tmpdir(), "sokudo-check-operations-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

function check(args: string[]): Promise<{ code: number | null; output: string }> {
  const { DATABASE_URL: _url, REDIS_URL: _redis, ...env } = process.env;
  const child = spawn(process.execPath, ["src/cli/check-operations.ts", ...args], {
    env: { ...env, NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Shown if the test fails: an exit code alone does not say why.
  forwardOutput(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

const file = async (name: string, text: string) => {
  const at = path.join(scratch, name);
  await writeFile(at, text);
  return at;
};

const rowOf = (output: string, name: string) => output.split("\n").find((line) => line.startsWith(`${name} `));

describe("npm run check-operations", () => {
  it("passes the web client's operations, with a row for each", async () => {
    const json = path.join(scratch, "web-client.json");
    const { code, output } = await check([WEB_CLIENT, "--json", json]);
    expect(code).toBe(0);
    for (const name of ["LogIn", "LatestPosts", "LikePost", "RequestReport", "WatchJob"]) {
      expect(rowOf(output, name)).toBeDefined();
    }
    // posts, their authors, viewerHasLiked: per viewer (viewerHasLiked), at most 15 minutes.
    expect(rowOf(output, "LatestPosts")).toMatch(/query\s+1201\/300000\s+5\/12\s+0\/30\s+3\s+PRIVATE 900s\s+-\s/);
    expect(rowOf(output, "LogIn")).toMatch(/\slogIn\s.*RATE_LIMITED/);
    const report = JSON.parse(await readFile(json, "utf8")) as {
      operations: { name: string; cacheScope: string; errorCodes: string[] }[];
    };
    const likePost = report.operations.find((operation) => operation.name === "LikePost");
    expect(likePost?.cacheScope).toBe("NONE");
    expect(likePost?.errorCodes).toContain("UNAUTHENTICATED");
  });

  it("fails an operation over the cost limit, naming it", async () => {
    const heavy = await file(
      "heavy.graphql",
      `query Heavy { users(first: 100) { edges { node { posts(first: 100) { edges { node {
         comments(first: 100) { edges { node { body } } } } } } } } } }`,
    );
    const { code, output } = await check([heavy]);
    expect(code).toBe(1);
    expect(output).toMatch(
      /REFUSED Heavy \(.*heavy\.graphql\): COST_LIMIT_EXCEEDED: The operation costs \d+, over the limit of 300000/,
    );
    // users, posts, comments: one statement each, whatever the page sizes.
    expect(rowOf(output, "Heavy")).toMatch(/\s3\s+PUBLIC 3600s/);
  });

  it("against an earlier report, fails an operation that turned per viewer or got more expensive", async () => {
    const query = (extra: string, first: number) =>
      `query Feed { posts(first: ${first}) { edges { node { title } } } ${extra} }`;
    const before = await file("feed.graphql", query("", 10));
    const report = path.join(scratch, "feed.json");
    expect((await check([before, "--json", report])).code).toBe(0);

    const perViewer = await check([
      await file("feed-viewer.graphql", query("viewer { id }", 10)),
      "--previous",
      report,
    ]);
    expect(perViewer.code).toBe(1);
    expect(perViewer.output).toMatch(/WORSE Feed \(.*\): cache scope PRIVATE, was PUBLIC/);

    const dearer = await check([await file("feed-dearer.graphql", query("", 50)), "--previous", report]);
    expect(dearer.code).toBe(1);
    expect(dearer.output).toMatch(/WORSE Feed \(.*\): costs 151, was 31/);

    expect((await check([before, "--previous", report])).code).toBe(0);
  });

  it("fails a document that does not validate", async () => {
    const manifest = await file(
      "invalid.json",
      JSON.stringify({ "sha256:00": "query Typo { posts { edges { nod { id } } } }" }),
    );
    const { code, output } = await check([manifest]);
    expect(code).toBe(1);
    expect(output).toMatch(/REFUSED Typo \(.*invalid\.json 00\): GRAPHQL_VALIDATION_FAILED: Cannot query field "nod"/);
  });
});
