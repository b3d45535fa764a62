/** One event of a `text/event-stream` response: its `event:` name and its `data:` text, if any. */
export interface SseEvent {
  event: string | undefined;
  data: string | undefined;
}

/**
 * The events of a `text/event-stream` response, each as soon as the blank line ending it has
 * arrived; keep-alive comments are skipped. Ends with the stream, or quietly when the request is
 * aborted (how a test unsubscribes).
 */
export async function* sseEvents(response: Response): AsyncGenerator<SseEvent> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const lines = buffer.slice(0, end).split("\n");
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          lines
            .find((line) => line.startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trimStart();
        const event = field("event");
        const data = field("data");
        if (event !== undefined || data !== undefined) yield { event, data };
      }
    }
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error;
  }
}
