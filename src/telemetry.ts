// Loaded before the application (`node --import ./src/telemetry.ts src/main.ts ...`) so that
// every instrumentation applies. Configured by the standard OTEL_* variables (read in config.ts);
// with no OTLP endpoint configured nothing is started and tracing costs nothing.
import { register } from "node:module";
import { loadTelemetryConfig } from "./config.ts";

const telemetry = loadTelemetryConfig();

if (telemetry?.endpoint) {
  // ESM modules are instrumented through import-in-the-middle's loader hook.
  register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
  const [
    { NodeSDK },
    { HttpInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
    { UndiciInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-pg"),
    import("@opentelemetry/instrumentation-ioredis"),
    import("@opentelemetry/instrumentation-undici"),
  ]);
  const quietPaths = new Set(["/metrics", "/healthz", "/readyz"]);
  const sdk = new NodeSDK({
    serviceName: telemetry.serviceName,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => quietPaths.has((request.url ?? "").split("?")[0] ?? ""),
        // Outgoing calls are Node's fetch (undici), traced by the undici instrumentation.
        ignoreOutgoingRequestHook: () => true,
      }),
      new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  const { onShutdown } = await import("./shutdown.ts");
  onShutdown("telemetry", () => sdk.shutdown());
}
