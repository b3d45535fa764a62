import { type ExecutionArgs, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * A query or mutation that runs longer than `timeoutMs` is answered with an
 * EXECUTION_TIMEOUT error; the executor's signal aborts too, so no further fields start
 * (fields already waiting are not interrupted: SQL has its own statement timeout). An
 * incremental answer (@defer, @stream) is under the same deadline until its last part: at the
 * deadline its parts stop and a last one carries the error. Subscriptions are long-lived by
 * design and have no deadline.
 */
export function useExecutionDeadline(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => executeWithinDeadline(executeFn, args, timeoutMs));
    },
  };
}

type ExecuteFn = (args: ExecutionArgs) => unknown;

// Per request: one timer, one controller and one promise. The race against the timer is settled by
// whichever calls first (no Promise.race, no promise of the expiry unless the answer comes in parts).
function executeWithinDeadline(executeFn: ExecuteFn, args: ExecutionArgs, timeoutMs: number): Promise<unknown> {
  const deadline = new AbortController();
  const outer = (args as ExecutionArgs & { signal?: AbortSignal }).signal;
  const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
  return new Promise((resolve, reject) => {
    let answered = false;
    const timer = setTimeout(() => {
      // Made when the timer fires: a GraphQLError captures a stack, too dear for every request.
      const timeout = new GraphQLError(`The operation took longer than ${timeoutMs} ms and was stopped.`, {
        extensions: { code: "EXECUTION_TIMEOUT", timeoutMs },
      });
      deadline.abort(timeout);
      if (answered) return;
      answered = true;
      resolve({ errors: [timeout] });
    }, timeoutMs);
    const answer = (result: unknown) => {
      if (answered) return;
      answered = true;
      if (!isAsyncIterable(result)) {
        clearTimeout(timer);
        resolve(result);
      } else resolve(withinDeadline(result, expiryOf(deadline.signal), () => clearTimeout(timer)));
    };
    const fail = (error: unknown) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      reject(error);
    };
    try {
      Promise.resolve(executeFn({ ...args, signal } as ExecutionArgs)).then(answer, fail);
    } catch (error) {
      fail(error);
    }
  });
}

/** Rejects with the deadline's error when `signal` aborts (already aborted: at once). */
function expiryOf(signal: AbortSignal): Promise<never> {
  const expired = new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  expired.catch(() => {}); // awaited only while something races it
  return expired;
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === "object" && value !== null && Symbol.asyncIterator in value;

/** The parts of an incremental answer until `expired` rejects; then a last part with its error. */
async function* withinDeadline<T>(parts: AsyncIterable<T>, expired: Promise<never>, done: () => void) {
  const iterator = parts[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await Promise.race([iterator.next(), expired]);
      } catch (error) {
        if (!(error instanceof GraphQLError) || error.extensions.code !== "EXECUTION_TIMEOUT") throw error;
        void iterator.return?.();
        yield { errors: [error], hasNext: false };
        return;
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    done();
  }
}
