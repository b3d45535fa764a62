import { type ExecutionResult, GraphQLError } from "graphql";

/** The errors of a response refused before execution, as graphql-ws sends them (no HTTP status on a socket). */
export function graphqlErrorsOf(body: ExecutionResult): GraphQLError[] {
  const errors: readonly { message: string; extensions?: Record<string, unknown> }[] = body.errors?.length
    ? body.errors
    : [{ message: "The request was refused" }];
  return errors.map((error) => {
    const { http: _http, ...extensions } = error.extensions ?? {};
    return new GraphQLError(error.message, { extensions });
  });
}

/**
 * The results of a `text/event-stream` response (GraphQL over SSE, "distinct connections"
 * mode, as Yoga sends it): each `next` event's data, until `complete` or the end of the stream.
 * `done` runs once when the results end, or when the consumer stops reading.
 */
export async function* serverSentResults(response: Response, done: () => void): AsyncGenerator<ExecutionResult> {
  try {
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    for (;;) {
      const { done: ended, value } = await reader.read();
      if (ended) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf("\n\n")) !== -1) {
        const event = parseEvent(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        if (event.type === "complete") return;
        if (event.type === "next" && event.data) yield JSON.parse(event.data) as ExecutionResult;
      }
    }
  } finally {
    done();
  }
}

function parseEvent(block: string): { type: string | undefined; data: string } {
  let type: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) type = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return { type, data: data.join("\n") };
}
