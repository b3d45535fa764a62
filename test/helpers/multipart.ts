import type { ExecutionResult } from "graphql";

/**
 * The JSON parts of a `multipart/mixed` response (incremental delivery, deferSpec=20220824), each
 * as soon as its closing boundary has arrived: a test can look at the first part while later
 * ones are still being computed.
 */
export async function* multipartResults(response: Response): AsyncGenerator<ExecutionResult> {
  const boundary = /boundary="?([^";]+)"?/.exec(response.headers.get("content-type") ?? "")?.[1];
  if (!boundary) throw new Error(`Not a multipart response: ${response.headers.get("content-type")}`);
  if (!response.body) return;
  const delimiter = `\r\n--${boundary}`;
  const decoder = new TextDecoder();
  // The body opens with a delimiter too: a leading CRLF makes every delimiter look the same.
  let buffered = "\r\n";
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let start: number;
    let end: number;
    while ((start = buffered.indexOf(delimiter)) !== -1 && (end = buffered.indexOf(delimiter, start + 1)) !== -1) {
      const part = buffered.slice(start + delimiter.length, end);
      buffered = buffered.slice(end);
      const body = part.slice(part.indexOf("\r\n\r\n") + 4).trim();
      if (body) yield JSON.parse(body) as ExecutionResult;
    }
  }
}
