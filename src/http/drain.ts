import type { Server, ServerResponse } from "node:http";

export class ShutdownCutRequestsError extends Error {
  override name = "ShutdownCutRequestsError";
}

/**
 * Graceful HTTP shutdown for keep-alive clients. `drain()`:
 * - stops accepting connections and closes idle keep-alive ones at once (server.close());
 * - answers every request in flight, and any that arrives on a busy connection meanwhile, with
 *   `Connection: close`, so each connection ends after its current response instead of being
 *   reused for the whole grace period;
 * - closes event streams (SSE subscriptions) at once: they never finish, their clients reconnect;
 * - after `graceMs`, cuts what is left and rejects with ShutdownCutRequestsError.
 * Between the moment a connection goes idle and the moment it is closed, a client may already
 * have sent its next request: HTTP/1.1 cannot prevent that race; the client sees its reused
 * connection reset before any response and may retry it elsewhere (RFC 9112, section 9.3.1).
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
        // One poll phase first: requests already in the sockets' buffers (the event loop lags under
        // load) are read and become in-flight, answered with Connection: close, instead of their
        // connections being closed as idle under them.
        setImmediate(() =>
          setImmediate(() =>
            server.close(() => {
              clearTimeout(force);
              resolve();
            }),
          ),
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
