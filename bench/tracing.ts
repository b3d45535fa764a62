// The cost of tracing: the nested-list query with tracing off (no OTLP endpoint: the SDK is not
// started) beside tracing on (100% sampling, every span exported to a local OTLP receiver).
import { OtlpReceiver } from "../test/helpers/otlp-receiver.ts";
import { NESTED_LIST } from "./n-plus-one.ts";
import { CONNECTIONS, load, probe, SECONDS, type Server, startServer } from "./servers.ts";

export async function runTracingBench(databaseUrl: string, log: (line: string) => void) {
  const receiver = await new OtlpReceiver().start();
  const servers: Server[] = [];
  const script = ["--import", "./src/telemetry.ts", "src/main.ts", "serve"];
  const common = { RESPONSE_CACHE: "off", DEMO_UPSTREAMS: "on" };
  try {
    servers.push(await startServer("tracing off", script, 4640, databaseUrl, { ...common, OTEL_SDK_DISABLED: "true" }));
    servers.push(
      await startServer("tracing on", script, 4641, databaseUrl, {
        ...common,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_TRACES_SAMPLER: "always_on",
      }),
    );
    log(
      `\n## tracing cost: nested list, ${SECONDS} s per round, rounds off/on/on/off, ${CONNECTIONS} connections (response cache off)\n`,
    );
    log(`server          req/s    p50 ms    p99 ms   errors`);
    // Warm both (JIT, pool, PostgreSQL's caches), then ABBA order, so that what drift remains
    // weighs on both alike.
    const [off, on] = servers as [Server, Server];
    for (const server of servers) await warmUp(server, NESTED_LIST);
    const rounds: { name: string; rps: number; p50: number; p99: number; errors: number }[] = [];
    for (const server of [off, on, on, off]) {
      const result = await load(server, NESTED_LIST);
      rounds.push({ name: server.name, ...result });
      log(
        `${server.name.padEnd(13)} ${result.rps.toFixed(2).padStart(7)} ${String(result.p50).padStart(9)} ${String(result.p99).padStart(9)} ${String(result.errors).padStart(8)}`,
      );
    }
    const meanRps = (name: string) => {
      const mine = rounds.filter((round) => round.name === name);
      return mine.reduce((sum, round) => sum + round.rps, 0) / mine.length;
    };
    const rows = Object.fromEntries(servers.map((server) => [server.name, { rps: meanRps(server.name) }]));
    const offRps = meanRps(off.name);
    const onRps = meanRps(on.name);
    const cost = offRps > 0 ? 1 - onRps / offRps : 0;
    log(
      `\nmean req/s off ${offRps.toFixed(2)}, on ${onRps.toFixed(2)}: tracing on is ${((onRps / Math.max(offRps, 1e-9)) * 100).toFixed(1)}% of off (cost ${(cost * 100).toFixed(1)}%, budget <= 10%); spans received: ${receiver.spans.length}`,
    );
    return { rounds, rows, cost, spans: receiver.spans.length };
  } finally {
    for (const server of servers) server.process.kill("SIGTERM");
    await receiver.close();
  }
}

/** 40 requests, 4 at a time, results discarded. */
async function warmUp(server: Server, query: string) {
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 10; i++) await probe(server, query);
    }),
  );
}
