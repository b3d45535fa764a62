import { trace } from "@opentelemetry/api";
import { type DestinationStream, type Logger, pino } from "pino";
import type { Config } from "../config.ts";

export type { DestinationStream, Logger };

export interface LoggerOptions extends Pick<Config, "env" | "logLevel"> {
  /** Where the JSON lines go instead of stdout (the tests hand them to their runner). Never pretty-printed. */
  destination?: DestinationStream;
}

/** JSON logs in production; human-readable (pino-pretty, when installed) in development. */
export function createLogger({ env, logLevel, destination }: LoggerOptions): Logger {
  const pretty = !destination && env === "development" && process.stdout.isTTY && canResolve("pino-pretty");
  return pino(
    {
      level: env === "test" && logLevel === "info" ? "warn" : logLevel,
      // Every line logged inside a traced request carries its trace id.
      mixin() {
        const span = trace.getActiveSpan();
        if (!span || !trace.isSpanContextValid(span.spanContext())) return {};
        const { traceId, spanId } = span.spanContext();
        return { trace_id: traceId, span_id: spanId };
      },
      ...(pretty ? { transport: { target: "pino-pretty", options: { ignore: "pid,hostname" } } } : {}),
    },
    destination,
  );
}

function canResolve(specifier: string): boolean {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}
