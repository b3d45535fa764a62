// Load generator, run as its own process so it does not share the servers' event loop or CPU
// accounting: POSTs one GraphQL operation for a fixed time and prints autocannon's result as JSON.
import autocannon from "autocannon";

const [url, body, seconds, connections, headers] = process.argv.slice(2);
if (!url || !body) throw new Error("usage: load.ts <url> <json body> [seconds] [connections]");
const result = await autocannon({
  url,
  method: "POST",
  headers: { "content-type": "application/json", ...(headers ? (JSON.parse(headers) as Record<string, string>) : {}) },
  body,
  duration: Number(seconds ?? 10),
  connections: Number(connections ?? 4),
  timeout: 60,
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  }),
);
