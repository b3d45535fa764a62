import { trace } from "@opentelemetry/api";
import { type Logger, pino } from "pino";
import type { Config } from "../config.ts";

export type { Logger };

/** JSON logs in production; human-readable (pino-pretty, when installed) in development. */
export function createLogger(config: Pick<Config, "env" | "logLevel">): Logger {
  const pretty = config.env === "development" && process.stdout.isTTY && canResolve("pino-pretty");
  return pino({
    level: config.env === "test" && config.logLevel === "info" ? "warn" : config.logLevel,
    // Every line logged inside a traced request carries its trace id.
    mixin() {
      const span = trace.getActiveSpan();
      if (!span || !trace.isSpanContextValid(span.spanContext())) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    ...(pretty ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname" } } } : {}),
  });
}

function canResolve(specifier: string): boolean {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}
