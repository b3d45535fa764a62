// Where a server's resident memory goes: RSS from Linux /proc for any process, and for Sokudo
// the split by kind from its own /metrics (prom-client's process and V8 heap gauges).
import { readFile } from "node:fs/promises";
import type { Server } from "./servers.ts";

export const METRICS_TOKEN = "bench-metrics-token-0123456789";

export async function rssMb(server: Server): Promise<number> {
  const status = await readFile(`/proc/${server.process.pid}/status`, "utf8").catch(() => "");
  return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) / 1024;
}

/** Runs a load while sampling the server's resident memory every 250 ms: the most seen. */
export async function withPeakRss<T>(server: Server, running: Promise<T>): Promise<{ result: T; rssMb: number }> {
  let most = 0;
  const sample = async () => {
    most = Math.max(most, await rssMb(server));
  };
  const timer = setInterval(() => void sample(), 250);
  try {
    const result = await running;
    await sample();
    return { result, rssMb: most };
  } finally {
    clearInterval(timer);
  }
}

/** RSS after `idleMs` without load: what the process gives back once a shape is over. */
export async function settledRssMb(server: Server, idleMs = 3000): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  return rssMb(server);
}

export interface MemoryBreakdown {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** Off-heap memory V8 knows of: Buffers, ArrayBuffers, WebAssembly memories (Prisma's query compiler). */
  external: number;
  /** RSS that is none of the above: native allocations, code, thread stacks, freed but unreturned pages. */
  native: number;
  /** Committed size of each V8 heap space. */
  spaces: Record<string, number>;
}

const MB = 1024 * 1024;

export async function sokudoMemory(server: Server): Promise<MemoryBreakdown> {
  const response = await fetch(new URL("/metrics", server.url), {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await response.text();
  const gauge = (name: string) =>
    Number(text.match(new RegExp(`^sokudo_process_${name} ([0-9.e+]+)$`, "m"))?.[1] ?? 0) / MB;
  const spaces: Record<string, number> = {};
  for (const [, space, bytes] of text.matchAll(
    /^sokudo_process_nodejs_heap_space_size_total_bytes\{space="(\w+)"\} ([0-9.e+]+)$/gm,
  ))
    spaces[space as string] = Number(bytes) / MB;
  const rss = gauge("process_resident_memory_bytes");
  const heapTotal = gauge("nodejs_heap_size_total_bytes");
  const external = gauge("nodejs_external_memory_bytes");
  return {
    rss,
    heapTotal,
    heapUsed: gauge("nodejs_heap_size_used_bytes"),
    external,
    native: Math.max(0, rss - heapTotal - external),
    spaces,
  };
}

export function describeMemory(memory: MemoryBreakdown): string {
  const mb = (value: number) => value.toFixed(0);
  const spaces = Object.entries(memory.spaces)
    .filter(([, size]) => size >= 1)
    .map(([space, size]) => `${space.replace(/_space$/, "")} ${mb(size)}`)
    .join(", ");
  return `RSS ${mb(memory.rss)} MB = V8 heap ${mb(memory.heapTotal)} (used ${mb(memory.heapUsed)}; ${spaces}) + external ${mb(memory.external)} + native/other ${mb(memory.native)}`;
}
