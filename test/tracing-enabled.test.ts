import { trace } from "@opentelemetry/api";
import { TracerProvider } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { tracingEnabled } from "../src/observability/tracing.ts";

// Each test file runs in its own module context: no provider is registered until this one does.
describe("tracingEnabled (the operation-span plugin is left out without it)", () => {
  it("is false until a tracer provider is registered, then true", () => {
    expect(tracingEnabled()).toBe(false);
    trace.setGlobalTracerProvider(new TracerProvider());
    expect(tracingEnabled()).toBe(true);
  });
});
