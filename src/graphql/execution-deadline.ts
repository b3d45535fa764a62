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
      setExecuteFn(async (args) => {
        const deadline = new AbortController();
        // Made when the timer fires: a GraphQLError captures a stack, too dear for every request.
        let timeout: GraphQLError | undefined;
        const timer = setTimeout(() => {
          timeout = new GraphQLError(`The operation took longer than ${timeoutMs} ms and was stopped.`, {
            extensions: { code: "EXECUTION_TIMEOUT", timeoutMs },
          });
          deadline.abort(timeout);
        }, timeoutMs);
        const expired = new Promise<never>((_resolve, reject) => {
          deadline.signal.addEventListener("abort", () => reject(timeout), { once: true });
        });
        expired.catch(() => {}); // awaited only while something races it
        const outer = (args as ExecutionArgs & { signal?: AbortSignal }).signal;
        const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
        let incremental = false;
        try {
          const result = await Promise.race([executeFn({ ...args, signal } as ExecutionArgs), expired]);
          if (!isAsyncIterable(result)) return result;
          incremental = true;
          return withinDeadline(result, expired, () => clearTimeout(timer));
        } catch (error) {
          if (timeout !== undefined && error === timeout) return { errors: [timeout] };
          throw error;
        } finally {
          if (!incremental) clearTimeout(timer);
        }
      });
    },
  };
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
