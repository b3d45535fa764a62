// Load generator, run as its own process so it does not share the servers' event loop or CPU
// accounting: POSTs GraphQL operations for a fixed time and prints autocannon's result as JSON.
// Reads a LoadSpec (servers.ts) as JSON on stdin. Each connection repeats loops of requests;
// every new loop takes the next of `loops` in turn, so loops can carry distinct variables (a
// like and its unlike on one pair that no other connection touches at the same time).
import { text } from "node:stream/consumers";
import autocannon from "autocannon";
import type { LoadSpec } from "./servers.ts";

const spec = JSON.parse(await text(process.stdin)) as LoadSpec;
const steps = spec.loops[0]?.length ?? 0;
if (steps === 0 || spec.loops.some((loop) => loop.length !== steps))
  throw new Error("loops must be non-empty, same length");

let nextLoop = 0;
let graphqlErrors = 0;
const result = await autocannon({
  url: spec.url,
  method: "POST",
  headers: { "content-type": "application/json" },
  duration: spec.seconds,
  connections: spec.connections,
  timeout: 60,
  requests: Array.from({ length: steps }, (_, step) => ({
    setupRequest: (request, context: { loop?: number }) => {
      if (step === 0) context.loop = nextLoop++ % spec.loops.length;
      const next = spec.loops[context.loop ?? 0]?.[step];
      if (!next) throw new Error(`no request ${step} in loop ${context.loop}`);
      return { ...request, body: next.body, headers: { ...request.headers, ...next.headers } };
    },
    onResponse: (_status: number, body: string) => {
      if (body.includes('"errors"')) graphqlErrors += 1;
    },
  })),
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx + graphqlErrors,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  }),
);
