import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { stopProcess } from "./helpers/child-process.ts";
import { startServerProcess } from "./helpers/server-process.ts";

// `npm run serve` with WEB_CONCURRENCY=2: a primary and two API processes sharing the port.
const server = await startServerProcess({ WEB_CONCURRENCY: "2", LOG_LEVEL: "info" });
const port = Number(new URL(server.base).port);

/** Resolves once a line of the server's output matches; the test's own timeout bounds the wait. */
async function lineMatching(pattern: RegExp, after = 0): Promise<RegExpMatchArray> {
  for (;;) {
    for (const line of server.output.slice(after)) {
      const match = line.match(pattern);
      if (match) return match;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const listeningPids = () =>
  server.output.flatMap((line) => {
    const pid = line.match(/API process (\d+) listening at/)?.[1];
    return pid ? [Number(pid)] : [];
  });

/** A keep-alive connection that has had one /healthz answered, left open. */
async function answeredConnection(): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  const sockets: Socket[] = [socket];
  afterAll(() => sockets.forEach((each) => each.destroy()));
  await new Promise<void>((resolve, reject) => {
    let received = "";
    socket.on("data", (data) => {
      received += data.toString();
      if (received.includes(`{"status":"ok"}`)) resolve();
    });
    socket.once("error", reject);
    socket.write("GET /healthz HTTP/1.1\r\nHost: sokudo.test\r\n\r\n");
  });
  return socket;
}

/** The pid among `pids` holding the server's end of `socket` (/proc/net/tcp inode → /proc/<pid>/fd). */
function processHolding(socket: Socket, pids: number[]): number | undefined {
  const hex = (value: number) => `:${value.toString(16).toUpperCase().padStart(4, "0")}`;
  const entry = readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find(([, local, remote]) => local?.endsWith(hex(port)) && remote?.endsWith(hex(socket.localPort ?? 0)));
  const link = `socket:[${entry?.[9]}]`;
  const holds = (pid: number) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === link;
      } catch {
        return false; // closed meanwhile
      }
    });
  return pids.find(holds);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("WEB_CONCURRENCY", () => {
  it("is 1 by default, and a whole number from 1 to 64, named when it is not", () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: "4" }).webConcurrency).toBe(4);
    for (const value of ["0", "two", "1.5", "65"]) {
      expect(() => loadConfig({ WEB_CONCURRENCY: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ WEB_CONCURRENCY: value }), value).toThrow(`WEB_CONCURRENCY="${value}"`);
    }
  });
});

describe("WEB_CONCURRENCY=2", () => {
  it("starts two API processes, each logging its pid once, and connections are served by both", async () => {
    await lineMatching(/2 API processes share/);
    const pids = listeningPids();
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(server.child.pid);
    const sockets = await Promise.all([0, 1, 2, 3].map(() => answeredConnection()));
    const holders = sockets.map((socket) => processHolding(socket, pids));
    expect(holders.every((pid) => pid !== undefined)).toBe(true);
    expect(new Set(holders).size).toBe(2);
  });

  it("replaces an API process that dies, saying so", async () => {
    const victim = listeningPids()[0];
    // Never process.kill(0 or undefined): 0 would signal the test runner's own process group.
    if (victim === undefined) throw new Error("no API process listening");
    const seen = server.output.length;
    process.kill(victim, "SIGKILL");
    await lineMatching(new RegExp(`API process ${victim} exited with signal SIGKILL: starting another`), seen);
    await lineMatching(/API process \d+ listening at/, seen);
    const live = listeningPids().filter(alive);
    expect(live).toHaveLength(2);
    expect(live).not.toContain(victim);
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
  });

  it("SIGTERM drains both API processes and the primary exits 0", async () => {
    const live = listeningPids().filter(alive);
    const seen = server.output.length;
    await stopProcess(server.child);
    expect(server.child.exitCode).toBe(0);
    expect(live.filter(alive)).toEqual([]);
    expect(server.output.slice(seen).filter((line) => line.includes("closed HTTP server"))).toHaveLength(2);
  });
});
