import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { stopProcess } from "./helpers/child-process.ts";
import { useTestDatabase } from "./helpers/database.ts";
import { freePort } from "./helpers/free-port.ts";
import { ScriptedUpstream } from "./helpers/scripted-upstream.ts";

// The real `serve` process under keep-alive load, stopped with SIGTERM mid-load. Every wait is a
// barrier (a log line, a count, an event), never a sleep.

const HELD = 3;
const LOAD_CLIENTS = 6;
const WARM_RESPONSES = 40;

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

const release = deferred();
const allHeld = deferred();
let heldArrivals = 0;
const geo = await new ScriptedUpstream().start();
geo.otherwise(() => ({
  json: { country: "JP", timezone: "Asia/Tokyo" },
  holdUntil: () => {
    heldArrivals += 1;
    if (heldArrivals === HELD) allHeld.resolve();
    return release.promise;
  },
}));

const databaseUrl = await useTestDatabase();
const port = await freePort();
let output = "";
const logged = (text: string) => {
  const seen = deferred();
  const check = () => {
    if (output.includes(text)) seen.resolve();
  };
  check();
  child.stdout?.on("data", check);
  return seen.promise;
};
const child: ChildProcess = spawn(process.execPath, ["src/main.ts", "serve"], {
  env: {
    ...process.env,
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: "drain-test-secret-drain-test-secret-drain",
    DEMO_UPSTREAMS: "on",
    UPSTREAM_GEO_URL: geo.url,
    UPSTREAM_TIMEOUT_MS: "120000",
    RATE_LIMIT_OPERATIONS: "off",
    REDIS_URL: "",
  },
  stdio: ["ignore", "pipe", "pipe"],
});
child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
afterAll(async () => {
  release.resolve();
  await stopProcess(child, "SIGKILL");
});
await Promise.race([
  logged("Sokudo API listening"),
  exited.then((code) => {
    throw new Error(`serve exited with ${code} before listening:\n${output}`);
  }),
]);

type Outcome =
  | { kind: "response"; status: number; connection: string | undefined; body: string; afterDrain: boolean }
  | { kind: "error"; code: string | undefined; reusedSocket: boolean; afterDrain: boolean };

function post(agent: Agent, query: string, afterDrain: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path: "/graphql",
        method: "POST",
        headers: { "content-type": "application/json" },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () =>
          resolve({
            kind: "response",
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            body,
            afterDrain,
          }),
        );
        res.on("error", (error: NodeJS.ErrnoException) =>
          resolve({ kind: "error", code: error.code, reusedSocket: req.reusedSocket, afterDrain }),
        );
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ kind: "error", code: error.code, reusedSocket: req.reusedSocket, afterDrain }),
    );
    req.end(JSON.stringify({ query }));
  });
}

async function signUp(handle: string): Promise<string> {
  const input = { email: `${handle}@example.test`, handle, name: handle, password: "correct horse" };
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: "mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { token } } }",
      variables: { input },
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { signUp: { token: string } } }).data.signUp.token;
}

/** An SSE subscription to a job no worker will run (serve runs none): a stream that never ends by itself. */
async function openJobStream(token: string): Promise<{ closed: Promise<string> }> {
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const requested = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      query: "mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }",
    }),
  });
  const { id } = ((await requested.json()) as { data: { requestActivityReport: { job: { id: string } } } }).data
    .requestActivityReport.job;
  const stream = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { ...headers, accept: "text/event-stream" },
    body: JSON.stringify({ query: `subscription { jobUpdated(id: "${id}") { status } }` }),
  });
  const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("event: next")) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`the subscription ended at once (${stream.status}): ${text}`);
    text += decoder.decode(chunk.value);
  }
  // Resolves with what the stream carried once the server closes it.
  const closed = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return text;
      text += decoder.decode(chunk.value);
    }
  })();
  return { closed };
}

describe("SIGTERM under keep-alive load", () => {
  it("closes idle connections at once, answers every request in flight with Connection: close, cuts none, exits 0", async () => {
    const handles = Array.from({ length: HELD }, (_, i) => `held_${i}`);
    const tokens: string[] = [];
    for (const handle of handles) tokens.push(await signUp(handle));
    const stream = await openJobStream(tokens[0] as string);

    // An idle keep-alive connection: one request answered, then nothing.
    const idle: Socket = connect(port, "127.0.0.1");
    const idleClosed = new Promise<void>((resolve) => idle.once("close", () => resolve()));
    const idleAnswered = new Promise<string>((resolve) => idle.once("data", (data) => resolve(data.toString())));
    idle.write("GET /healthz HTTP/1.1\r\nHost: sokudo\r\nConnection: keep-alive\r\n\r\n");
    expect(await idleAnswered).toMatch(/^HTTP\/1\.1 200/);

    // Requests in flight at SIGTERM: each waits on the held upstream.
    const heldAgent = new Agent({ keepAlive: true });
    const held = handles.map((handle) =>
      post(heldAgent, `{ user(handle: "${handle}") { insights { location { country } } } }`, false),
    );
    await allHeld.promise;

    // Keep-alive load: each client sends its next request as soon as the last is answered, until
    // its connection closes (an answer with Connection: close, or an error).
    let drainSeen = false;
    let answered = 0;
    const warm = deferred();
    const outcomes: Outcome[] = [];
    const loadAgent = new Agent({ keepAlive: true, maxSockets: LOAD_CLIENTS });
    const clients = Array.from({ length: LOAD_CLIENTS }, async () => {
      for (;;) {
        const outcome = await post(loadAgent, "{ users(first: 3) { edges { node { handle } } } }", drainSeen);
        outcomes.push(outcome);
        if (++answered >= WARM_RESPONSES) warm.resolve();
        if (outcome.kind === "error" || outcome.connection === "close") return;
      }
    });
    await warm.promise;

    child.kill("SIGTERM");
    await logged("SIGTERM received");
    drainSeen = true;
    await idleClosed; // before anything in flight has been answered
    expect(await stream.closed).toContain('"status":"QUEUED"');
    expect(heldArrivals).toBe(HELD);
    release.resolve();

    const heldOutcomes = await Promise.all(held);
    await Promise.all(clients);
    const code = await exited;

    for (const outcome of heldOutcomes) {
      expect(outcome).toMatchObject({ kind: "response", status: 200, connection: "close" });
      expect(JSON.parse((outcome as { body: string }).body)).toMatchObject({
        data: { user: { insights: { location: { country: "JP" } } } },
      });
    }
    const responses = outcomes.filter((outcome) => outcome.kind === "response");
    const errors = outcomes.filter((outcome) => outcome.kind === "error");
    expect(responses.every((response) => response.status === 200 && !response.body.includes('"errors"'))).toBe(true);
    // Once the server drains, no request is served on a connection that stays open.
    expect(responses.filter((response) => response.afterDrain && response.connection !== "close")).toEqual([]);
    // The only failures allowed: a connection closed while idle before its client's next request
    // reached the server (reset on a reused socket), or a new connection refused after the listener closed.
    const cut = errors.filter(
      (error) =>
        !(error.code === "ECONNREFUSED" || (error.reusedSocket && ["ECONNRESET", "EPIPE"].includes(error.code ?? ""))),
    );
    expect(cut).toEqual([]);
    expect(code).toBe(0);
    expect(output).toContain("closed HTTP server");
    expect(output).not.toContain("requests cut");
    console.log(
      `drain: ${responses.length} load responses (${responses.filter((r) => r.connection === "close").length} with Connection: close), ` +
        `${errors.length} load requests not received (${errors.map((e) => e.code).join(", ") || "none"}), ${HELD} in flight answered`,
    );
    heldAgent.destroy();
    loadAgent.destroy();
  });
});
