import type { Answer, GraphQLBody } from "./transports.ts";

/**
 * What no answer may be, cached or not: a 5xx, an internal error, an error without a code, a
 * stream that did not carry exactly one result, or no GraphQL response at all.
 */
export function problemsOf(answer: Answer): string[] {
  const problems: string[] = [];
  if (answer.status !== null && answer.status >= 500) problems.push(`HTTP ${answer.status}`);
  if (!answer.body) return [...problems, "no GraphQL response"];
  if ("sseEvents" in answer.body || "wsResults" in answer.body) problems.push("not exactly one result");
  for (const error of answer.body.errors ?? []) {
    const code = error.extensions?.code;
    if (code === undefined) problems.push(`error without extensions.code: ${error.message}`);
    else if (code === "INTERNAL_SERVER_ERROR") problems.push(`INTERNAL_SERVER_ERROR: ${error.message}`);
  }
  return problems;
}

/**
 * The answer as compared: its status and its body, printed with keys in the order the server wrote
 * them (GraphQL promises field order). The one thing put in order first is the list of errors,
 * whose order the spec leaves to the executor.
 */
export function comparable(answer: Answer): string {
  return JSON.stringify({ status: answer.status, body: answer.body && sortErrors(answer.body) });
}

function sortErrors(body: GraphQLBody): GraphQLBody {
  if (!body.errors) return body;
  const errors = [...body.errors].sort((a, b) => {
    const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { ...body, errors };
}

export const errorCodesOf = (answer: Answer): unknown[] =>
  (answer.body?.errors ?? []).map((error) => error.extensions?.code);
