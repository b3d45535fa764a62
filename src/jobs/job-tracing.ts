import { context, propagation, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { Task } from "graphile-worker";
import { tracer } from "../observability/tracing.ts";

/**
 * A job carries the trace context of the request that enqueued it (`_trace`, W3C traceparent),
 * so its execution in a worker — in any process — joins that request's trace.
 */
const TRACE_KEY = "_trace";

export function withTraceContext(payload: Record<string, unknown>): Record<string, unknown> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? { ...payload, [TRACE_KEY]: carrier } : payload;
}

/** Runs a task inside a `job <task>` span whose parent is the enqueuing request's span. */
export function tracedTask(name: string, task: Task): Task {
  return (payload, helpers) => {
    const carrier = (payload as Record<string, unknown> | null)?.[TRACE_KEY];
    const parent =
      carrier && typeof carrier === "object" ? propagation.extract(context.active(), carrier) : context.active();
    return tracer.startActiveSpan(
      `job ${name}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "graphile-worker",
          "messaging.destination.name": name,
          "messaging.message.id": String(helpers.job.id),
          "sokudo.job.attempt": helpers.job.attempts,
        },
      },
      parent,
      async (span) => {
        try {
          return await task(payload, helpers);
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  };
}
