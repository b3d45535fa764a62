import { type ExecutionArgs, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * A query or mutation that runs longer than `timeoutMs` is answered with an
 * EXECUTION_TIMEOUT error; the executor's signal aborts too, so no further fields start
 * (fields already waiting are not interrupted: SQL has its own statement timeout).
 * Subscriptions are long-lived by design and have no deadline.
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
        const outer = (args as ExecutionArgs & { signal?: AbortSignal }).signal;
        const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
        try {
          return await Promise.race([
            executeFn({ ...args, signal } as ExecutionArgs),
            new Promise<never>((_resolve, reject) => {
              deadline.signal.addEventListener("abort", () => reject(timeout), { once: true });
            }),
          ]);
        } catch (error) {
          if (timeout !== undefined && error === timeout) return { errors: [timeout] };
          throw error;
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
