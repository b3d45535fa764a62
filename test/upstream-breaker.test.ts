import { GraphQLError } from "graphql";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createCacheAside } from "../src/cache/cache-aside.ts";
import { createMemoryStore } from "../src/cache/store.ts";
import {
  createUpstreamClient,
  type UpstreamCallEvent,
  type UpstreamOutcome,
  type UpstreamServiceConfig,
} from "../src/upstream/client.ts";
import { ScriptedUpstream } from "./helpers/scripted-upstream.ts";

// The upstream client's circuit breaker and concurrency cap, against a real HTTP server on
// loopback. The breaker's clock is Date: only Date is faked, so the test moves time past
// OPEN_MS itself instead of sleeping (HTTP, sockets and AbortSignal.timeout run on real timers).

const upstream = await new ScriptedUpstream().start();
const Body = z.object({ value: z.number() });
const OPEN_MS = 50;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  upstream.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

let clientCount = 0;
/** A client whose every attempt is recorded; `next(outcome)` waits for the next attempt with that outcome. */
function client(overrides: Partial<UpstreamServiceConfig> = {}) {
  clientCount += 1;
  const events: UpstreamCallEvent[] = [];
  const waiting: { outcome: UpstreamOutcome; resolve: (event: UpstreamCallEvent) => void }[] = [];
  const svc = createUpstreamClient(
    {
      name: "svc",
      baseUrl: upstream.url,
      timeoutMs: 10_000,
      retries: 0,
      concurrency: 8,
      cacheTtlSeconds: 0,
      ...overrides,
    },
    {
      cache: createCacheAside(createMemoryStore(), `breaker-${clientCount}`),
      onCall(event) {
        events.push(event);
        const index = waiting.findIndex((waiter) => waiter.outcome === event.outcome);
        if (index >= 0) waiting.splice(index, 1)[0]?.resolve(event);
      },
      breaker: { failureThreshold: 2, openMs: OPEN_MS },
      backoffMs: 1,
    },
  );
  const next = (outcome: UpstreamOutcome) =>
    new Promise<UpstreamCallEvent>((resolve) => waiting.push({ outcome, resolve }));
  return { svc, events, next };
}

const codeOf = (error: unknown) =>
  error instanceof GraphQLError ? [error.extensions.code, error.extensions.service, error.message] : error;

async function open(svc: ReturnType<typeof client>["svc"]) {
  upstream.on("/fail", { status: 503 });
  for (let i = 0; i < 2; i++) {
    await expect(svc.get("/fail", Body).catch(codeOf)).resolves.toEqual([
      "UPSTREAM_UNAVAILABLE",
      "svc",
      "svc answered 503",
    ]);
  }
  expect(svc.breaker.state).toBe("open");
}

describe("upstream circuit breaker", () => {
  it("opens after the threshold, is half-open after openMs, reopens on a failed trial and closes on a good one", async () => {
    const { svc } = client();
    upstream.on("/fail", { status: 503 }).on("/ok", { json: { value: 1 } });
    await svc.get("/fail", Body).catch(() => {});
    expect(svc.breaker.state).toBe("closed");
    await svc.get("/fail", Body).catch(() => {});
    expect(svc.breaker.state).toBe("open");

    // Open: nothing is sent.
    await expect(svc.get("/ok", Body).catch(codeOf)).resolves.toEqual([
      "UPSTREAM_UNAVAILABLE",
      "svc",
      "svc is unavailable (circuit open)",
    ]);
    expect(upstream.count("/ok")).toBe(0);

    // Half-open as soon as openMs has passed (read without a call, as the metrics gauge does).
    advance(OPEN_MS);
    expect(svc.breaker.state).toBe("half-open");
    await svc.get("/fail", Body).catch(() => {});
    expect(upstream.count("/fail")).toBe(3);
    expect(svc.breaker.state).toBe("open");

    advance(OPEN_MS);
    expect(await svc.get("/ok", Body)).toEqual({ value: 1 });
    expect(svc.breaker.state).toBe("closed");
  });

  it("lets a later call reach the upstream after a half-open trial whose caller went away", async () => {
    const { svc, next } = client();
    await open(svc);
    advance(OPEN_MS);

    // The trial reaches the upstream, which holds it; its caller gives up.
    const arrived = deferred();
    const release = deferred();
    upstream.on("/hold", {
      json: { value: 0 },
      holdUntil: () => {
        arrived.resolve();
        return release.promise;
      },
    });
    const caller = new AbortController();
    const cancelled = next("cancelled");
    const trial = svc.get("/hold", Body, { signal: caller.signal });
    await arrived.promise;
    caller.abort(new Error("client went away"));
    await expect(trial).rejects.toThrow("client went away");
    await cancelled;
    release.resolve();
    // Settled: the abandoned trial said nothing about the upstream, so the next call is the trial.
    expect(svc.breaker.state).toBe("half-open");

    // The upstream is healthy again: after openMs the next call is sent and closes the breaker.
    upstream.on("/ok", { json: { value: 1 } });
    advance(OPEN_MS);
    const result = await svc.get("/ok", Body).catch(codeOf);
    expect(result).toEqual({ value: 1 });
    expect(upstream.count("/ok")).toBe(1);
    expect(svc.breaker.state).toBe("closed");
  });

  it("settles a half-open trial stopped by the time budget as a failure", async () => {
    const { svc } = client({ timeoutMs: 200 });
    await open(svc);
    advance(OPEN_MS);
    upstream.on("/hang", { hang: true });
    await expect(svc.get("/hang", Body).catch(codeOf)).resolves.toEqual([
      "UPSTREAM_TIMEOUT",
      "svc",
      "svc did not answer within 200 ms",
    ]);
    expect(svc.breaker.state).toBe("open");

    upstream.on("/ok", { json: { value: 1 } });
    advance(OPEN_MS);
    expect(await svc.get("/ok", Body)).toEqual({ value: 1 });
    expect(svc.breaker.state).toBe("closed");
  });

  it("fails other calls fast while the half-open trial is in flight", async () => {
    const { svc } = client();
    await open(svc);
    advance(OPEN_MS);
    const arrived = deferred();
    const release = deferred();
    upstream.on("/hold", {
      json: { value: 7 },
      holdUntil: () => {
        arrived.resolve();
        return release.promise;
      },
    });
    const trial = svc.get("/hold", Body);
    await arrived.promise;
    expect(svc.breaker.state).toBe("half-open");

    upstream.on("/other", { json: { value: 8 } });
    await expect(svc.get("/other", Body).catch(codeOf)).resolves.toEqual([
      "UPSTREAM_UNAVAILABLE",
      "svc",
      "svc is unavailable (circuit open)",
    ]);
    expect(upstream.count("/other")).toBe(0);

    release.resolve();
    expect(await trial).toEqual({ value: 7 });
    expect(svc.breaker.state).toBe("closed");
    expect(await svc.get("/other", Body)).toEqual({ value: 8 });
  });

  it("does not count a call whose caller went away while closed", async () => {
    const { svc, next } = client();
    upstream.on("/fail", { status: 503 });
    await svc.get("/fail", Body).catch(() => {});
    const arrived = deferred();
    upstream.on("/hold", {
      json: { value: 0 },
      holdUntil: () => {
        arrived.resolve();
        return new Promise(() => {});
      },
    });
    const caller = new AbortController();
    const cancelled = next("cancelled");
    const pending = svc.get("/hold", Body, { signal: caller.signal });
    await arrived.promise;
    caller.abort(new Error("client went away"));
    await expect(pending).rejects.toThrow("client went away");
    await cancelled;
    // One failure so far (threshold 2): still closed, and a success resets the count.
    expect(svc.breaker.state).toBe("closed");
    upstream.on("/ok", { json: { value: 1 } });
    expect(await svc.get("/ok", Body)).toEqual({ value: 1 });
    await svc.get("/fail", Body).catch(() => {});
    expect(svc.breaker.state).toBe("closed");
  });
});

describe("upstream concurrency cap", () => {
  it("runs at most `concurrency` requests at once; the rest wait in order", async () => {
    const { svc } = client({ concurrency: 2 });
    const holds: { path: string; release: () => void }[] = [];
    let arrivedSignal = deferred();
    let inFlight = 0;
    let most = 0;
    upstream.otherwise((path) => ({
      json: { value: Number(path.split("/").pop()) },
      holdUntil: () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        const hold = deferred();
        holds.push({ path, release: hold.resolve });
        arrivedSignal.resolve();
        return hold.promise.then(() => (inFlight -= 1));
      },
    }));
    const arrivals = async (count: number) => {
      while (holds.length < count) {
        await arrivedSignal.promise;
        arrivedSignal = deferred();
      }
    };
    const calls = Array.from({ length: 6 }, (_, i) => svc.get(`/cap/${i}`, Body));
    // Two are held at the upstream at once; each release lets exactly the next queued call in.
    await arrivals(2);
    for (let released = 0; released < 6; released++) {
      await arrivals(Math.min(released + 2, 6));
      holds[released]?.release();
    }
    expect((await Promise.all(calls)).map((body) => body?.value)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    // The first two are sent together (either may arrive first); the queued ones go in call order.
    expect(
      holds
        .slice(0, 2)
        .map((hold) => hold.path)
        .sort(),
    ).toEqual(["/cap/0", "/cap/1"]);
    expect(holds.slice(2).map((hold) => hold.path)).toEqual(["/cap/2", "/cap/3", "/cap/4", "/cap/5"]);
  });

  it("queues without a bound: every waiting call runs", async () => {
    const { svc } = client({ concurrency: 1 });
    upstream.otherwise(() => ({ json: { value: 1 } }));
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => svc.get(`/queue/${i}`, Body)));
    expect(results.every((body) => body?.value === 1)).toBe(true);
    expect(upstream.count("/queue/")).toBe(200);
  });
});
