import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cdnHeaders } from "../src/cache/cdn-headers.ts";
import { listen } from "../src/http/server.ts";
import { forwardOutput, stopProcess } from "./helpers/child-process.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { freePort } from "./helpers/free-port.ts";
import { type TestServer, useTestServer } from "./helpers/server.ts";

const varnishPort = await freePort();
const sokudoPort = await freePort();
// Varnish first: every purge the server sends, from the first sign-up on, reaches it.
const workdir = await mkdtemp(join(tmpdir(), "sokudo-varnish-"));
// varnishd's compiler runs as its own unprivileged user, which must read the VCL.
await chmod(workdir, 0o755);
const template = await readFile(new URL("../ops/varnish/default.vcl", import.meta.url), "utf8");
const vcl = join(workdir, "default.vcl");
await writeFile(vcl, template.replaceAll("${SOKUDO_HOST}", "127.0.0.1").replaceAll("${SOKUDO_PORT}", `${sokudoPort}`));
const varnish = spawn(
  "varnishd",
  ["-F", "-a", `127.0.0.1:${varnishPort}`, "-f", vcl, "-n", join(workdir, "n"), "-s", "malloc,32m", "-T", "none"],
  { stdio: ["ignore", "pipe", "pipe"] },
);
forwardOutput(varnish);
await new Promise<void>((resolve, reject) => {
  varnish.once("exit", (code) => reject(new Error(`varnishd exited with ${code}`)));
  const launched = (chunk: Buffer) => chunk.toString().includes("said Child starts") && resolve();
  varnish.stdout?.on("data", launched);
  varnish.stderr?.on("data", launched);
});
varnish.removeAllListeners("exit");
afterAll(async () => {
  await stopProcess(varnish);
  await rm(workdir, { recursive: true, force: true });
});

const server = await useTestServer({
  CDN_PURGE_URL: `http://127.0.0.1:${varnishPort}/`,
  CDN_PURGE_KIND: "varnish",
  CACHE_TTL_POST_SECONDS: "120",
  CACHE_TTL_TAG_SECONDS: "90",
});
const http = await listen(server.yoga, "127.0.0.1", sokudoPort, server.config.http);
afterAll(() => http.close());
const alice = await signUpUser(server, "alice");

const FEED = "query Feed { posts(first: 10) { edges { node { id title } } } }";
const FEED_WITH_TAGS = "query FeedWithTags { posts(first: 10) { edges { node { id tags { slug } } } } }";
const VIEWER = "query Me { viewer { handle } }";

function getThrough(port: number, query: string, headers: Record<string, string> = {}) {
  const url = new URL(`http://127.0.0.1:${port}/graphql`);
  url.searchParams.set("query", query);
  return fetch(url, { headers: { accept: "application/json", ...headers } });
}

/** Whether Varnish answered from its cache: a hit carries the ids of this request and of the one stored. */
const isVarnishHit = (response: Response) => (response.headers.get("x-varnish") ?? "").split(" ").length === 2;

async function purgesCounted(on: TestServer, outcome: "sent" | "retried"): Promise<number> {
  const text = await (await on.yoga.fetch("http://sokudo.test/metrics")).text();
  return Number(new RegExp(`^sokudo_cdn_purges_total\\{outcome="${outcome}"\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
}

/** Resolves once more than `before` purges have been answered with success (one is in force once accepted). */
async function purgesSentBeyond(before: number, on: TestServer = server): Promise<void> {
  while ((await purgesCounted(on, "sent")) <= before) await new Promise((resolve) => setImmediate(resolve));
}

describe("Cache-Control of answers", () => {
  it("gives a shared GET answer max-age of the smallest TTL it selects, and its index keys", async () => {
    await createPost(server, alice.token, { title: "Tagged", tags: ["cdn"] });
    const feed = await getThrough(sokudoPort, FEED);
    expect(feed.headers.get("cache-control")).toBe("public, max-age=120, stale-while-revalidate=60");
    expect(feed.headers.get("surrogate-key")?.split(" ")).toEqual(expect.arrayContaining(["t:Post", "q:posts"]));
    expect(feed.headers.get("cache-tag")?.split(",")).toContain("t:Post");

    const withTags = await getThrough(sokudoPort, FEED_WITH_TAGS);
    expect(withTags.headers.get("cache-control")).toBe("public, max-age=90, stale-while-revalidate=60");
    expect(withTags.headers.get("surrogate-key")?.split(" ")).toEqual(
      expect.arrayContaining(["t:Tag", expect.stringMatching(/^e:Post:/), expect.stringMatching(/^e:Tag:/)]),
    );
  });

  it("marks per-viewer answers private, and mutations, POSTs and errors no-store", async () => {
    const viewer = await getThrough(sokudoPort, VIEWER, { authorization: `Bearer ${alice.token}` });
    expect(viewer.headers.get("cache-control")).toBe("private, no-store");
    expect(viewer.headers.get("surrogate-key")).toBeNull();

    const post = await server.execute(FEED);
    expect(post.headers.get("cache-control")).toBe("no-store");
    const mutation = await server.execute(
      'mutation { createPost(input: { title: "t", body: "b", tags: [] }) { ... on CreatePostPayload { post { id } } } }',
      { token: alice.token },
    );
    expect(mutation.headers.get("cache-control")).toBe("no-store");
    const error = await getThrough(sokudoPort, "query { post(id: 1) { id } }");
    expect(error.headers.get("cache-control")).toBe("no-store");
  });

  it("never lets an answer without index keys or a TTL be shared", () => {
    expect(cdnHeaders("GET", { kind: "shared", ttlSeconds: 0, keys: ["t:Post"] })).toEqual({
      "cache-control": "no-store",
    });
    expect(cdnHeaders("GET", { kind: "shared", ttlSeconds: 60, keys: [] })).toEqual({ "cache-control": "no-store" });
    expect(cdnHeaders("POST", { kind: "shared", ttlSeconds: 60, keys: ["t:Post"] })).toEqual({
      "cache-control": "no-store",
    });
  });
});

describe("behind Varnish", () => {
  it("serves a shared page from Varnish until a write purges it, then fetches it fresh", async () => {
    const first = await getThrough(varnishPort, FEED);
    expect(first.status).toBe(200);
    const before = (await first.json()) as { data: { posts: { edges: { node: { title: string } }[] } } };
    const second = await getThrough(varnishPort, FEED);
    expect(isVarnishHit(second)).toBe(true);

    await second.body?.cancel();

    const sent = await purgesCounted(server, "sent");
    await createPost(server, alice.token, { title: "Fresh after purge" });
    await purgesSentBeyond(sent);

    const third = await getThrough(varnishPort, FEED);
    expect(isVarnishHit(third)).toBe(false);
    const after = (await third.json()) as typeof before;
    expect(after.data.posts.edges.map((edge) => edge.node.title)).toContain("Fresh after purge");
    expect(after.data.posts.edges.length).toBe(before.data.posts.edges.length + 1);
  });

  it("never keeps a per-viewer answer", async () => {
    const headers = { authorization: `Bearer ${alice.token}` };
    const first = await getThrough(varnishPort, VIEWER, headers);
    // Marked so that no cache on the way keeps it either.
    expect(first.headers.get("cache-control")).toBe("private, no-store");
    expect(await first.json()).toEqual({ data: { viewer: { handle: "alice" } } });
    const second = await getThrough(varnishPort, VIEWER, headers);
    expect(isVarnishHit(second)).toBe(false);
    await second.body?.cancel();
    // Nor is it handed to someone without the token.
    const anonymous = await getThrough(varnishPort, VIEWER);
    expect(await anonymous.json()).toEqual({ data: { viewer: null } });
  });
});

describe("webhook purges", () => {
  it("POSTs the invalidated keys as JSON, retrying a failed attempt", async () => {
    const bodies: { keys: string[] }[] = [];
    let answered = 0;
    const hook = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        // The first attempt fails: the purge must be sent again.
        response.writeHead(++answered === 1 ? 503 : 204).end();
        bodies.push(JSON.parse(body) as { keys: string[] });
      });
    });
    const hookPort = await freePort();
    await new Promise<void>((resolve) => hook.listen(hookPort, "127.0.0.1", resolve));
    afterAll(() => new Promise((resolve) => hook.close(resolve)));
    const webhooked = await useTestServer({ CDN_PURGE_URL: `http://127.0.0.1:${hookPort}/purge` });

    await signUpUser(webhooked, "carol");
    await purgesSentBeyond(0, webhooked);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[0]?.keys).toEqual(expect.arrayContaining(["q:users"]));
    expect(await purgesCounted(webhooked, "retried")).toBe(1);
    expect(await purgesCounted(webhooked, "sent")).toBe(1);
  });
});
