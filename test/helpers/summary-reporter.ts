import type { SerializedError } from "vitest";
import type { Reporter, TestModule, TestRunEndReason } from "vitest/node";

/**
 * Ends the run with the plain line CI reads: "N passed, N failed" (", N skipped" when any).
 * A file that fails outside its tests (a hook, an import) and an unhandled error each count as a failure,
 * and so does a run that failed with nothing counted (its global setup threw, no test file ran).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const module of testModules) {
      let failedInModule = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failedInModule++;
        else skipped++;
      }
      if (module.state() === "failed" && failedInModule === 0) failedInModule = 1;
      failed += failedInModule;
    }
    const startFailed = reason !== "passed" && failed === 0;
    if (startFailed) failed = 1;
    const counts = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
    console.log(
      `\n${counts}${startFailed ? ` (the run ${reason === "interrupted" ? "was interrupted" : "could not start"}: see its error)` : ""}`,
    );
  }
}
