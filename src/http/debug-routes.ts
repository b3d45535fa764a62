import { Session } from "node:inspector/promises";
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { setTimeout as sleep } from "node:timers/promises";
import { getHeapSnapshot } from "node:v8";
import type { Plugin } from "graphql-yoga";
import { bearerTokenMatches } from "./bearer-token.ts";

export const MAX_PROFILE_SECONDS = 60;

type FetchResponse = typeof Response;

// The profiler and the heap are the process's, whichever Yoga instance asks: one capture at a time.
let capturing = false;

/**
 * GET /debug/profile?seconds=N: a CPU profile of this running process over the next N seconds
 * (a `.cpuprofile`, as `node --cpu-prof` writes). GET /debug/heap: a heap snapshot
 * (`.heapsnapshot`). Both need `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN, or with
 * another token, the request goes on as if the routes did not exist (404), so they are not revealed.
 */
export function useDebugRoutes(adminToken: string | undefined): Plugin {
  if (adminToken === undefined) return {};
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      const route = url.pathname === "/debug/profile" ? profile : url.pathname === "/debug/heap" ? heap : undefined;
      if (!route || request.method !== "GET") return;
      if (!bearerTokenMatches(request.headers.get("authorization"), adminToken)) return;
      endResponse(await route(url, request.signal, fetchAPI.Response));
    },
  };
}

const failure = (response: FetchResponse, status: number, code: string, error: string) =>
  response.json({ error, code }, { status });

const busy = (response: FetchResponse) =>
  failure(response, 409, "CAPTURE_IN_PROGRESS", "A profile or heap snapshot is being taken: try again when it ends");

const attachment = (kind: string) =>
  `attachment; filename="sokudo-${new Date().toISOString().replace(/[:.]/g, "-")}.${kind}"`;

async function profile(url: URL, signal: AbortSignal, response: FetchResponse): Promise<Response> {
  const text = url.searchParams.get("seconds") ?? "";
  const seconds = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_PROFILE_SECONDS)) {
    return failure(response, 400, "BAD_REQUEST", `seconds: a whole number from 1 to ${MAX_PROFILE_SECONDS}`);
  }
  if (capturing) return busy(response);
  capturing = true;
  const session = new Session();
  try {
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    // A client that goes away ends the profile early rather than holding the profiler for nothing.
    await sleep(seconds * 1000, undefined, { signal }).catch(() => undefined);
    const { profile } = await session.post("Profiler.stop");
    return new response(JSON.stringify(profile), {
      headers: { "content-type": "application/json", "content-disposition": attachment("cpuprofile") },
    });
  } finally {
    session.disconnect();
    capturing = false;
  }
}

async function heap(_url: URL, _signal: AbortSignal, response: FetchResponse): Promise<Response> {
  if (capturing) return busy(response);
  capturing = true;
  try {
    // The snapshot is taken here (the process pauses for it), then streamed as it is serialized.
    const snapshot = getHeapSnapshot();
    snapshot.once("close", () => (capturing = false));
    return new response(Readable.toWeb(snapshot) as ReadableStream<Uint8Array> as globalThis.ReadableStream, {
      headers: { "content-type": "application/json", "content-disposition": attachment("heapsnapshot") },
    });
  } catch (error) {
    capturing = false;
    throw error;
  }
}
