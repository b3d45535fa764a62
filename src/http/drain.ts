import type { Server, ServerResponse } from "node:http";

/** How long a connection must stay idle after SIGTERM before it is closed as idle. */
const IDLE_QUIET_MS = 100;

export class ShutdownCutRequestsError extends Error {
  override name = "ShutdownCutRequestsError";
}

/**
 * Graceful HTTP shutdown for keep-alive clients. `drain()`:
 * - closes idle keep-alive connections at once (after a quiet moment of IDLE_QUIET_MS) and stops
 *   accepting new ones (server.close());
 * - answers every request in flight, and any that arrives on a busy connection meanwhile, with
 *   `Connection: close`, so each connection ends after its current response instead of being
 *   reused for the whole grace period;
 * - closes event streams (SSE subscriptions) at once: they never finish, their clients reconnect;
 * - after `graceMs`, cuts what is left and rejects with ShutdownCutRequestsError.
 * A client silent for the whole quiet moment that sends just as its connection closes sees it reset
 * before any response (HTTP/1.1 cannot prevent that race, as with any keep-alive timeout) and may
 * retry elsewhere (RFC 9112, section 9.3.1).
 */
export function trackForDrain(server: Server): { drain(graceMs: number): Promise<void> } {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  // Before Yoga's listener, so the header is set before Yoga writes any.
  server.prependListener("request", (_request, response: ServerResponse) => {
    if (draining) response.setHeader("connection", "close");
    inFlight.add(response);
    response.once("close", () => inFlight.delete(response));
  });
  return {
    drain(graceMs) {
      draining = true;
      for (const response of inFlight) closeAfter(response);
      return new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => {
          const cut = inFlight.size;
          server.closeAllConnections();
          reject(new ShutdownCutRequestsError(`grace period of ${graceMs} ms over: ${cut} requests cut`));
        }, graceMs).unref();
        // Busy keep-alive clients send their next request within milliseconds of a response: it
        // is answered with Connection: close and their connection ends cleanly. Only connections
        // still idle after this quiet moment are closed, so none is closed under a request that is
        // already on its way (or unread in its socket's buffer while the event loop lags).
        setTimeout(
          () =>
            server.close(() => {
              clearTimeout(force);
              resolve();
            }),
          IDLE_QUIET_MS,
        );
      });
    },
  };
}

function closeAfter(response: ServerResponse): void {
  if (!response.headersSent) {
    response.setHeader("connection", "close");
  } else if (String(response.getHeader("content-type")).startsWith("text/event-stream")) {
    // Not end(): the stream's writer may still write, and a write after end() would throw
    // asynchronously; a destroyed response drops it. Closing aborts the subscription's signal.
    response.destroy();
  } else {
    // Headers already on the wire: end the connection once this response is complete.
    response.once("finish", () => response.socket?.end());
  }
}
