import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll } from "vitest";

/**
 * A real HTTP server on loopback whose answers a test scripts per path: status, JSON body or
 * raw text, delay, a hang, or a hold until the test releases it. Every request is recorded, with whether its client went away.
 */
export interface Reply {
  status?: number;
  json?: unknown;
  raw?: string;
  delayMs?: number;
  hang?: boolean;
  /** Called when the request arrives; the reply waits until the promise settles. */
  holdUntil?: () => Promise<unknown>;
}

export interface RecordedRequest {
  path: string;
  aborted: boolean;
}

export class ScriptedUpstream {
  readonly requests: RecordedRequest[] = [];
  #server: Server;
  #routes = new Map<string, Reply | Reply[]>();
  #fallback: (path: string) => Reply = () => ({ status: 404 });
  url = "";

  constructor() {
    this.#server = createServer((request, response) => this.#handle(request, response));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    afterAll(() => this.close());
    return this;
  }

  /** A fixed reply, or a sequence consumed one per request (the last one repeats). */
  on(path: string, reply: Reply | Reply[]): this {
    this.#routes.set(path, Array.isArray(reply) ? [...reply] : reply);
    return this;
  }

  otherwise(reply: (path: string) => Reply): this {
    this.#fallback = reply;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.#routes.clear();
  }

  count(prefix = ""): number {
    return this.requests.filter((request) => request.path.startsWith(prefix)).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #handle(request: IncomingMessage, response: ServerResponse) {
    const path = request.url ?? "/";
    const record: RecordedRequest = { path, aborted: false };
    this.requests.push(record);
    response.on("close", () => {
      if (!response.writableFinished) record.aborted = true;
    });
    const route = this.#routes.get(path) ?? this.#routes.get(path.split("?")[0] ?? path);
    const reply = Array.isArray(route) ? (route.length > 1 ? route.shift() : route[0]) : route;
    const chosen = reply ?? this.#fallback(path);
    if (chosen.hang) return;
    const held = chosen.holdUntil?.() ?? Promise.resolve();
    void held.then(() =>
      setTimeout(() => {
        if (response.destroyed) return;
        const status = chosen.status ?? 200;
        if (chosen.raw !== undefined)
          response.writeHead(status, { "content-type": "application/json" }).end(chosen.raw);
        else if (chosen.json !== undefined)
          response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(chosen.json));
        else response.writeHead(status).end();
      }, chosen.delayMs ?? 0),
    );
  }
}
