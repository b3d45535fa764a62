import { request as httpRequest } from "node:http";
import { mkdtemp } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { HttpConfig } from "../src/config.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { useTestServer } from "./helpers/server.ts";

const outboxDir = await mkdtemp(path.join(tmpdir(), "sokudo-connections-"));
const server = await useTestServer({ RESPONSE_CACHE: "off" });

const NO_CAP: HttpConfig = {
  headersTimeoutMs: 200,
  requestTimeoutMs: 200,
  keepAliveTimeoutMs: 5_000,
  maxConnectionsPerAddress: null,
};
// Small timeouts: a request not all in after 200 ms is closed.
const timed: HttpServer = await listen(server.yoga, "127.0.0.1", 0, NO_CAP);
// Node's minute-long timeouts, so held connections stay open; three per address.
const capped: HttpServer = await listen(server.yoga, "127.0.0.1", 0, {
  ...NO_CAP,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 60_000,
  maxConnectionsPerAddress: 3,
});
afterAll(() => Promise.all([timed.close(), capped.close()]));

/** A raw TCP connection to `http`, from `localAddress`; collects what the server sends until it closes. */
async function open(http: HttpServer, localAddress = "127.0.0.1") {
  const { port } = new URL(http.url);
  const socket = connect({ host: "127.0.0.1", port: Number(port), localAddress });
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
  socket.on("error", () => {}); // a refused connection is reset: its 'close' is what the tests wait for
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, closed, received: () => received };
}

/** Sends a complete GET /healthz on `socket` and waits for its whole response (the connection stays open). */
function healthz(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let response = "";
    const onData = (chunk: string) => {
      response += chunk;
      if (response.includes('{"status":"ok"}')) {
        socket.off("data", onData);
        resolve(response);
      }
    };
    socket.on("data", onData);
    socket.write("GET /healthz HTTP/1.1\r\nHost: sokudo.test\r\n\r\n");
  });
}

describe("requests that never finish arriving (slowloris)", () => {
  it("closes a connection whose headers are not all in after HTTP_HEADERS_TIMEOUT_MS, with 408", async () => {
    const client = await open(timed);
    client.socket.write("POST /graphql HTTP/1.1\r\nHost: sokudo.test\r\nContent-Type: application/json\r\n");
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes a connection whose body is not all in after HTTP_REQUEST_TIMEOUT_MS, with 408", async () => {
    const client = await open(timed);
    client.socket.write(
      "POST /graphql HTTP/1.1\r\nHost: sokudo.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
    );
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("leaves an SSE subscription open past the request timeout: it times receiving the request, not the answer", async () => {
    const owner = await signUpUser(server, "streamer");
    const requested = await server.execute(
      "mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }",
      {
        token: owner.token,
      },
    );
    const id = (requested.data as { requestActivityReport: { job: { id: string } } }).requestActivityReport.job.id;
    const { port } = new URL(timed.url);
    const statuses: string[] = [];
    let firstEvent: () => void = () => {};
    const subscribed = new Promise<void>((resolve) => (firstEvent = resolve));
    let ended: () => void = () => {};
    const streamEnded = new Promise<void>((resolve) => (ended = resolve));
    const stream = httpRequest({
      host: "127.0.0.1",
      port: Number(port),
      method: "POST",
      path: "/graphql",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${owner.token}`,
      },
    });
    stream.on("response", (response) => {
      response.setEncoding("utf8").on("data", (chunk: string) => {
        for (const match of chunk.matchAll(/"status":"(\w+)"/g)) statuses.push(match[1] as string);
        if (statuses.length > 0) firstEvent();
      });
      response.on("end", ended);
    });
    stream.end(JSON.stringify({ query: `subscription { jobUpdated(id: "${id}") { status } }` }));
    await subscribed;
    expect(statuses).toEqual(["QUEUED"]);

    // A slowloris opened after the stream is closed once its timeout is over: by then the stream's is too.
    const slow = await open(timed);
    slow.socket.write("GET /graphql HTTP/1.1\r\n");
    await slow.closed;
    expect(stream.socket?.destroyed).toBe(false);

    await runDueJobs(server.url, { outboxDir });
    await streamEnded;
    expect(statuses.at(-1)).toBe("SUCCEEDED");
  });

  it("leaves a WebSocket subscription open past the request timeout", async () => {
    const owner = await signUpUser(server, "socketeer");
    const requested = await server.execute(
      "mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }",
      {
        token: owner.token,
      },
    );
    const id = (requested.data as { requestActivityReport: { job: { id: string } } }).requestActivityReport.job.id;
    const client = createClient({
      url: `${timed.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.token}` },
      retryAttempts: 0,
    });
    const statuses: string[] = [];
    let firstEvent: () => void = () => {};
    const subscribed = new Promise<void>((resolve) => (firstEvent = resolve));
    const finished = new Promise<void>((resolve, reject) => {
      client.subscribe<{ jobUpdated: { status: string } }>(
        { query: `subscription { jobUpdated(id: "${id}") { status } }` },
        {
          next: (result) => {
            if (result.data) statuses.push(result.data.jobUpdated.status);
            firstEvent();
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    await subscribed;
    const slow = await open(timed);
    slow.socket.write("GET /graphql HTTP/1.1\r\n");
    await slow.closed;
    await runDueJobs(server.url, { outboxDir });
    await finished;
    await client.dispose();
    expect(statuses[0]).toBe("QUEUED");
    expect(statuses.at(-1)).toBe("SUCCEEDED");
  });
});

describe("MAX_CONNECTIONS_PER_ADDRESS", () => {
  it("refuses the connection over the cap from one address while another address still connects", async () => {
    const accepted = new Map<number, Promise<void>>();
    capped.server.on("connection", (socket) => {
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      accepted.set(socket.remotePort ?? 0, closed);
    });
    const held = [await open(capped), await open(capped), await open(capped)];
    for (const client of held) expect(await healthz(client.socket)).toMatch(/^HTTP\/1\.1 200 /);

    const fourth = await open(capped);
    fourth.socket.write("GET /healthz HTTP/1.1\r\nHost: sokudo.test\r\n\r\n");
    await fourth.closed;
    expect(fourth.received()).toBe(""); // destroyed as accepted: nothing read, nothing answered

    const elsewhere = await open(capped, "127.0.0.2");
    expect(await healthz(elsewhere.socket)).toMatch(/^HTTP\/1\.1 200 /);

    // A held connection closing frees its place.
    const [first] = held;
    const port = first?.socket.localPort ?? -1;
    first?.socket.destroy();
    await accepted.get(port);
    const again = await open(capped);
    expect(await healthz(again.socket)).toMatch(/^HTTP\/1\.1 200 /);

    for (const client of [...held, elsewhere, again]) client.socket.destroy();
  });
});
