import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { listen } from "../src/http/server.ts";
import { useTestServer } from "./helpers/server.ts";

const ADMIN_TOKEN = "admin-token-for-the-on-call";
const withToken = await useTestServer({ NODE_ENV: "production", ADMIN_TOKEN });
const withoutToken = await useTestServer({ NODE_ENV: "production" }, withToken.url);
const guarded = await listen(withToken.yoga, "127.0.0.1", 0);
const unguarded = await listen(withoutToken.yoga, "127.0.0.1", 0);
afterAll(() => Promise.all([guarded.close(), unguarded.close()]));

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Status and body of a route that does not exist: what a hidden debug route must look like. */
async function notFoundReply(base: string) {
  const response = await fetch(`${base}/debug/nothing-here`);
  return { status: response.status, body: await response.text() };
}

async function reply(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.text() };
}

/** The admin's own request to the server with ADMIN_TOKEN: the route is there. */
const adminStatus = async () => (await reply(`${guarded.url}/debug/profile?seconds=1`, admin)).status;

describe("ADMIN_TOKEN", () => {
  it("is refused under 16 characters, naming the variable and not the value", () => {
    expect(() => loadConfig({ ADMIN_TOKEN: "short-secret" })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_TOKEN: "short-secret" })).toThrow(
      /ADMIN_TOKEN \(value not shown\): at least 16 characters/,
    );
    expect(() => loadConfig({ ADMIN_TOKEN: "short-secret" })).not.toThrow(/short-secret/);
    expect(loadConfig({}).adminToken).toBeUndefined();
  });
});

describe("the debug routes are hidden", () => {
  it("without ADMIN_TOKEN configured, answer as a missing route to the token that opens them elsewhere", async () => {
    expect(await adminStatus()).toBe(200);
    const missing = await notFoundReply(unguarded.url);
    expect(missing.status).toBe(404);
    expect(await reply(`${unguarded.url}/debug/profile?seconds=1`, admin)).toEqual(missing);
    expect(await reply(`${unguarded.url}/debug/heap`, admin)).toEqual(missing);
  });

  it("with ADMIN_TOKEN, answer as a missing route without the token, with another one, or without Bearer", async () => {
    expect(await adminStatus()).toBe(200);
    const missing = await notFoundReply(guarded.url);
    const refused: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${ADMIN_TOKEN}x` },
      { authorization: ADMIN_TOKEN },
    ];
    for (const headers of refused) {
      expect(await reply(`${guarded.url}/debug/profile?seconds=1`, headers)).toEqual(missing);
      expect(await reply(`${guarded.url}/debug/heap`, headers)).toEqual(missing);
    }
  });
});

describe("GET /debug/profile", () => {
  it("returns a CPU profile of the running process, as a .cpuprofile download", async () => {
    const response = await fetch(`${guarded.url}/debug/profile?seconds=1`, { headers: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="sokudo-.*\.cpuprofile"$/);
    const profile = (await response.json()) as { nodes: { callFrame: unknown }[]; startTime: number; endTime: number };
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.nodes[0]).toHaveProperty("callFrame");
    // Microseconds: the profile spans the second asked for.
    expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(1_000_000);
  });

  it("refuses seconds outside 1 to 60 with 400 BAD_REQUEST", async () => {
    for (const seconds of ["0", "61", "", "1.5", "-1", "ten"]) {
      const response = await fetch(`${guarded.url}/debug/profile?seconds=${seconds}`, { headers: admin });
      expect(response.status, `seconds=${seconds}`).toBe(400);
      expect(await response.json()).toMatchObject({ code: "BAD_REQUEST" });
    }
    const missing = await fetch(`${guarded.url}/debug/profile`, { headers: admin });
    expect(missing.status).toBe(400);
  });

  it("takes one capture at a time: a second request while a profile runs gets 409 CAPTURE_IN_PROGRESS", async () => {
    const profiles = [0, 1].map(() => fetch(`${guarded.url}/debug/profile?seconds=3`, { headers: admin }));
    // The refused one answers at once, while the other is still profiling.
    const refused = await Promise.race(profiles);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "CAPTURE_IN_PROGRESS" });
    const heap = await fetch(`${guarded.url}/debug/heap`, { headers: admin });
    expect(heap.status).toBe(409);
    expect(await heap.json()).toMatchObject({ code: "CAPTURE_IN_PROGRESS" });
    const statuses = await Promise.all(profiles.map(async (pending) => (await pending).status));
    expect(statuses.sort()).toEqual([200, 409]);
  });
});

describe("GET /debug/heap", () => {
  it("streams a heap snapshot: JSON that opens with `snapshot` then `nodes`, and ends", async () => {
    const response = await fetch(`${guarded.url}/debug/heap`, { headers: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="sokudo-.*\.heapsnapshot"$/);
    // The whole snapshot is the test process's heap (~100 MB of JSON): read the head, skim the rest.
    const decoder = new TextDecoder();
    let head = "";
    let tail = "";
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (head.length < 64 * 1024) head += decoder.decode(chunk, { stream: true });
      else tail = (tail + Buffer.from(chunk).toString("latin1")).slice(-16);
    }
    const nodesAt = head.indexOf('"nodes":[');
    expect(nodesAt).toBeGreaterThan(0);
    const header = JSON.parse(`${head.slice(0, nodesAt).trimEnd().replace(/,$/, "")}}`) as {
      snapshot: { meta: { node_fields: string[] }; node_count: number };
    };
    expect(header.snapshot.meta.node_fields).toContain("name");
    expect(header.snapshot.node_count).toBeGreaterThan(0);
    expect(bytes).toBeGreaterThan(head.length);
    expect((tail || head).trimEnd().endsWith("}")).toBe(true);
    // The capture is over once the stream has ended: the next one is allowed.
    const again = await fetch(`${guarded.url}/debug/profile?seconds=1`, { headers: admin });
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });

  it("a client that goes away mid-download frees the capture for the next one", async () => {
    const aborted = new AbortController();
    const response = await fetch(`${guarded.url}/debug/heap`, { headers: admin, signal: aborted.signal });
    expect(response.status).toBe(200);
    await response.body?.getReader().read();
    aborted.abort();
    // The server sees the connection close a moment later: until then the route is still busy.
    let next = await fetch(`${guarded.url}/debug/profile?seconds=1`, { headers: admin });
    while (next.status === 409) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      next = await fetch(`${guarded.url}/debug/profile?seconds=1`, { headers: admin });
    }
    expect(next.status).toBe(200);
    await next.body?.cancel();
  });
});
