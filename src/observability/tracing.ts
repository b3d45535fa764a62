import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TracerDelegator,
  type TracerProvider,
} from "@opentelemetry/api";
import DataLoader from "dataloader";
import { type DocumentNode, Kind, print, visit } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { OperationSample } from "./metrics.ts";

/**
 * Spans for Sokudo's own work, on the global tracer (a no-op unless src/telemetry.ts started
 * the SDK). One span per GraphQL operation, per DataLoader batch and per upstream call; SQL,
 * Redis and HTTP spans come from the instrumentations. Never a span per field resolver.
 */
export const tracer = trace.getTracer("sokudo");

/** Runs `work` inside a child span of the active one; records failures. */
export async function traced<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Whether a tracer provider is registered (src/telemetry.ts's SDK, or a test's): without one
 * every span is a no-op and the operation span's plugin is left out.
 */
export function tracingEnabled(): boolean {
  const provider: TracerProvider & Partial<TracerDelegator> = trace.getTracerProvider();
  return provider.getDelegateTracer ? provider.getDelegateTracer("sokudo") !== undefined : true;
}

const operationSpans = new WeakMap<Request, Span>();

/**
 * The GraphQL operation span (OpenTelemetry semantic conventions: `graphql.operation.type`,
 * `graphql.operation.name`, `graphql.document`), the cache outcome on it, and the trace id
 * returned to the client (`traceparent`, `x-trace-id`).
 */
export function useTracing(options: {
  cacheStatus?: (request: Request) => string | undefined;
  /** The operation the request runs, as its request record says (undefined before it is known). */
  operationOf: (request: Request) => OperationSample | undefined;
}): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const span = tracer.startSpan("graphql.request", { kind: SpanKind.INTERNAL });
        operationSpans.set(request, span);
        return context.with(trace.setSpan(context.active(), span), wrapped);
      },
    },
    // The document is recorded once parsed and within limits, and without its literal values.
    onExecute({ args }) {
      recordDocument(args.contextValue, args.document);
    },
    onSubscribe({ args }) {
      recordDocument(args.contextValue, args.document);
    },
    onResponse({ request, response }) {
      const span = operationSpans.get(request);
      if (!span) return;
      const operation = options.operationOf(request);
      if (operation?.type) span.setAttribute("graphql.operation.type", operation.type);
      if (operation?.name) span.setAttribute("graphql.operation.name", operation.name);
      span.updateName([operation?.type ?? "graphql", operation?.name].filter(Boolean).join(" "));
      const cache = options.cacheStatus?.(request);
      if (cache) span.setAttribute("sokudo.response_cache", cache);
      span.setAttribute("http.response.status_code", response.status);
      const { traceId, spanId, traceFlags } = span.spanContext();
      if (trace.isSpanContextValid(span.spanContext())) {
        response.headers.set("x-trace-id", traceId);
        response.headers.set("traceparent", `00-${traceId}-${spanId}-0${traceFlags.toString(16)}`);
      }
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

function recordDocument(contextValue: unknown, document: DocumentNode): void {
  const request = (contextValue as { request?: Request } | undefined)?.request;
  const span = request && operationSpans.get(request);
  if (span) span.setAttribute("graphql.document", documentWithoutLiterals(document));
}

const printedWithoutLiterals = new WeakMap<DocumentNode, string>();

/**
 * The document as `graphql.document` carries it: every string, number and custom-scalar
 * literal replaced (a password or an email written inline must not reach the tracing
 * backend); variables are never recorded. Memoised per parsed document, which Yoga's parse
 * cache shares between requests.
 */
export function documentWithoutLiterals(document: DocumentNode): string {
  let printed = printedWithoutLiterals.get(document);
  if (printed === undefined) {
    const stripped = visit(document, {
      [Kind.STRING]: (node) => ({ ...node, value: "", block: false }),
      [Kind.INT]: (node) => ({ ...node, value: "0" }),
      [Kind.FLOAT]: (node) => ({ ...node, value: "0" }),
    });
    printed = print(stripped);
    if (printed.length > 2_000) printed = `${printed.slice(0, 2_000)}…`;
    printedWithoutLiterals.set(document, printed);
  }
  return printed;
}

/** A DataLoader whose every batch is a span named after it, with the batch size. */
export function createTracedLoader<K, V>(
  name: string,
  batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
): DataLoader<K, V> {
  // Without a tracer provider every span is a no-op: the batch runs as it is, without one made.
  if (!tracingEnabled()) return new DataLoader<K, V>(batch);
  return new DataLoader<K, V>((keys) =>
    traced(`dataloader.batch ${name}`, { "dataloader.name": name, "dataloader.batch.size": keys.length }, () =>
      batch(keys),
    ),
  );
}
