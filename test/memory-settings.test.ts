import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

const FIXTURE = "test/fixtures/memory-settings/report.ts";
const THRESHOLD = "glibc.malloc.mmap_threshold=4194304:glibc.malloc.trim_threshold=8388608";

interface Report {
  pid: number;
  tunables: string | null;
  args: string[];
  execArgv: string[];
}

/** Runs the fixture with `env` and returns the pid it was started as and what it reported. */
function run(env: Record<string, string>): Promise<{ startedAs: number | undefined; report: Report }> {
  const { GLIBC_TUNABLES: _tunables, MALLOC_MMAP_THRESHOLD_: _threshold, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--no-warnings", FIXTURE, "one", "two"], {
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0
        ? resolve({ startedAs: child.pid, report: JSON.parse(output) as Report })
        : reject(new Error(`exited ${code}: ${output}`)),
    ),
  );
}

describe.runIf(process.platform === "linux")("memory settings at start (cli/memory-settings.ts)", () => {
  it("runs the command again in place with fixed mmap and trim thresholds, its arguments and Node flags kept", async () => {
    const { startedAs, report } = await run({});
    expect(report.tunables).toBe(THRESHOLD);
    expect(report.pid).toBe(startedAs);
    expect(report.args).toEqual(["one", "two"]);
    expect(report.execArgv).toContain("--no-warnings");
  });

  it("adds the threshold to tunables the operator set, and keeps a threshold they chose", async () => {
    expect((await run({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" })).report.tunables).toBe(
      `glibc.malloc.arena_max=2:${THRESHOLD}`,
    );
    const chosen = "glibc.malloc.mmap_threshold=65536";
    expect((await run({ GLIBC_TUNABLES: chosen })).report.tunables).toBe(chosen);
    expect((await run({ MALLOC_MMAP_THRESHOLD_: "65536" })).report.tunables).toBeNull();
  });
});

describe("HEAP_GROWTH_PERCENT", () => {
  it("lets the heap grow to 2.5 times what survived a full collection unless told otherwise; 0 is V8's own choice", () => {
    expect(loadConfig({}).heapGrowthPercent).toBe(150);
    expect(loadConfig({ HEAP_GROWTH_PERCENT: "0" }).heapGrowthPercent).toBe(0);
    expect(() => loadConfig({ HEAP_GROWTH_PERCENT: "-5" })).toThrow(/HEAP_GROWTH_PERCENT/);
  });
});
