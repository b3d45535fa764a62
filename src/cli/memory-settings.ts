// How the process holds memory, set for every command. Importing this module (main.ts's first
// import) may run the command again, so it must be evaluated before the rest of the program.
import v8 from "node:v8";

/** Blocks from this size up are mapped on their own and returned to the system when freed. */
const MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024;
/**
 * Free memory at the top of the main heap that glibc keeps before returning it: twice the
 * threshold, the ratio glibc keeps itself while it moves the threshold. A fixed threshold alone
 * leaves this at 128 KiB, and returning and re-faulting pages cost 6% more CPU per nested request.
 */
const TRIM_THRESHOLD_BYTES = 2 * MMAP_THRESHOLD_BYTES;

/**
 * glibc raises its mmap threshold to the size of every mapped block freed (up to 32 MiB), so
 * after the first login each 19 MiB argon2 block (auth/password.ts) comes from the arena of one
 * of libuv's four threads, and stays resident there once freed: eight logins added 88 MB of RSS
 * that was never given back (about 30 MB with fixed thresholds). glibc reads a fixed threshold only
 * when a process starts: without one, this command runs again in place (same pid and stdio).
 * A threshold the operator set is kept; other C libraries ignore the variable.
 */
function fixMmapThreshold(): void {
  if (process.platform !== "linux" || typeof process.execve !== "function") return;
  const tunables = process.env.GLIBC_TUNABLES;
  if (tunables?.includes("glibc.malloc.mmap_threshold") || process.env.MALLOC_MMAP_THRESHOLD_ !== undefined) return;
  const thresholds = `glibc.malloc.mmap_threshold=${MMAP_THRESHOLD_BYTES}:glibc.malloc.trim_threshold=${TRIM_THRESHOLD_BYTES}`;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    GLIBC_TUNABLES: tunables ? `${tunables}:${thresholds}` : thresholds,
  });
}

fixMmapThreshold();

/**
 * HEAP_GROWTH_PERCENT: after each full collection V8 lets the heap grow to (1 + percent/100)
 * times what survived it before collecting again. Left alone, V8 picks up to 4x for a process
 * that allocates fast, and an API answering large lists does: ~80 MB alive held 380 MB of heap.
 * 0 leaves V8's own choice; lower factors cost CPU in more full collections (docs/benchmarks.md).
 */
export function setHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
