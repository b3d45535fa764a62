// The cost of tracing: the nested-list query with tracing off (no OTLP endpoint: the SDK is not
// started) beside tracing on (100% sampling, every span exported to a local OTLP receiver).
import { OtlpReceiver } from "../test/helpers/otlp-receiver.ts";
import { NESTED_LIST } from "./n-plus-one.ts";
import { CONNECTIONS, load, SECONDS, type Server, startServer } from "./servers.ts";

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
    log(`\n## tracing cost: nested list, ${SECONDS} s each, ${CONNECTIONS} connections (response cache off)\n`);
    log(`server          req/s    p50 ms    p99 ms   errors`);
    const rows: Record<string, { rps: number; p50: number; p99: number; errors: number }> = {};
    for (const server of servers) {
      const result = await load(server, NESTED_LIST);
      rows[server.name] = result;
      log(
        `${server.name.padEnd(13)} ${result.rps.toFixed(2).padStart(7)} ${String(result.p50).padStart(9)} ${String(result.p99).padStart(9)} ${String(result.errors).padStart(8)}`,
      );
    }
    const off = rows["tracing off"]?.rps ?? 0;
    const on = rows["tracing on"]?.rps ?? 0;
    const cost = off > 0 ? 1 - on / off : 0;
    log(
      `\nthroughput with tracing on: ${((on / Math.max(off, 1e-9)) * 100).toFixed(1)}% of off (cost ${(cost * 100).toFixed(1)}%, budget <= 10%); spans received: ${receiver.spans.length}`,
    );
    return { rows, cost, spans: receiver.spans.length };
  } finally {
    for (const server of servers) server.process.kill("SIGTERM");
    await receiver.close();
  }
}
