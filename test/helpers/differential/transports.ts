import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

// The four ways a client reaches Sokudo: POST JSON, GET with query parameters, Server-Sent Events
// (POST with Accept: text/event-stream, as Yoga speaks it) and graphql-ws on the same path.

export const TRANSPORTS = ["post", "get", "sse", "ws"] as const;
export type TransportName = (typeof TRANSPORTS)[number];

export interface Request {
  text: string;
  operationName: string | undefined;
  variables: Record<string, unknown>;
  /** Bearer token, or null for an anonymous request. */
  token: string | null;
  /** The sha256 of a trusted document: sent by id instead of the text. */
  persisted?: string;
  /** How a persisted id travels over HTTP: GraphQL over HTTP's documentId, or the APQ extension. */
  persistedAs: "documentId" | "extensions";
  accept: "application/json" | "application/graphql-response+json";
}

export interface Answer {
  /** The HTTP status; null over WebSocket. */
  status: number | null;
  /** The GraphQL response (for graphql-ws, the result or `{ errors }` of an error message); null if there was none. */
  body: GraphQLBody | null;
  /** What came back, for the failure report. */
  raw: string;
  /** The response cache's verdict from Server-Timing (hit or miss), when the answer says. */
  cache?: string;
  /** SQL statements the request ran, from Server-Timing, when the answer says. */
  statements?: number;
}

export interface GraphQLBody {
  data?: unknown;
  errors?: { message?: string; path?: unknown; extensions?: { code?: unknown } }[];
  [key: string]: unknown;
}

const persistedQuery = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

export interface Endpoint {
  send(transport: TransportName, request: Request): Promise<Answer>;
  /** Every close of a graphql-ws socket that was not a normal one (1000), with its reason. */
  abnormalCloses: string[];
  dispose(): Promise<void>;
}

/** One Sokudo instance's four transports; graphql-ws sockets are kept open, one per token. */
export function createEndpoint(httpUrl: string): Endpoint {
  const graphqlUrl = `${httpUrl}/graphql`;
  const clients = new Map<string, Client>();
  const abnormalCloses: string[] = [];

  const headers = (request: Request, accept: string = request.accept) => ({
    "content-type": "application/json",
    accept,
    ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
  });
  const jsonBody = (request: Request) =>
    JSON.stringify({
      ...(request.persisted
        ? request.persistedAs === "documentId"
          ? { documentId: `sha256:${request.persisted}` }
          : { extensions: persistedQuery(request.persisted) }
        : { query: request.text }),
      operationName: request.operationName,
      variables: request.variables,
    });

  async function overHttp(response: Response): Promise<Answer> {
    const raw = await response.text();
    return { status: response.status, body: parseJson(raw), raw, ...timingOf(response) };
  }

  async function overSse(request: Request): Promise<Answer> {
    const response = await fetch(graphqlUrl, {
      method: "POST",
      headers: headers(request, "text/event-stream"),
      body: jsonBody(request),
    });
    if (!response.headers.get("content-type")?.includes("text/event-stream")) return overHttp(response);
    const raw = await response.text();
    const results: unknown[] = [];
    let completed = false;
    for (const event of raw.split(/\r?\n\r?\n/)) {
      const lines = event.split(/\r?\n/);
      const name = lines
        .find((line) => line.startsWith("event:"))
        ?.slice(6)
        .trim();
      const data = lines
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      if (name === "next") results.push(parseJson(data) ?? data);
      if (name === "complete") completed = true;
    }
    const body = results.length === 1 && completed ? (results[0] as GraphQLBody) : { sseEvents: results, completed };
    return { status: response.status, body, raw, ...timingOf(response) };
  }

  function client(token: string | null): Client {
    const key = token ?? "";
    let existing = clients.get(key);
    if (!existing) {
      existing = createClient({
        url: graphqlUrl.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazyCloseTimeout: 600_000,
        on: {
          closed: (event) => {
            const { code, reason } = event as { code: number; reason: string };
            if (code !== 1000) abnormalCloses.push(`${code} ${reason}`);
          },
        },
      });
      clients.set(key, existing);
    }
    return existing;
  }

  function overWebSocket(request: Request): Promise<Answer> {
    const payload = {
      query: request.persisted ? "" : request.text,
      operationName: request.operationName,
      variables: request.variables,
      ...(request.persisted ? { extensions: persistedQuery(request.persisted) } : {}),
    };
    return new Promise((resolve) => {
      const results: unknown[] = [];
      client(request.token).subscribe(payload, {
        next: (result) => void results.push(result),
        error: (error: unknown) =>
          resolve(
            Array.isArray(error)
              ? { status: null, body: { errors: error }, raw: JSON.stringify(error) }
              : { status: null, body: null, raw: `socket failed: ${describe(error)}` },
          ),
        complete: () =>
          resolve({
            status: null,
            body: results.length === 1 ? (results[0] as GraphQLBody) : { wsResults: results },
            raw: JSON.stringify(results),
          }),
      });
    });
  }

  return {
    async send(transport, request) {
      switch (transport) {
        case "post":
          return overHttp(
            await fetch(graphqlUrl, { method: "POST", headers: headers(request), body: jsonBody(request) }),
          );
        case "get": {
          const params = new URLSearchParams();
          if (request.persisted) params.set("extensions", JSON.stringify(persistedQuery(request.persisted)));
          else params.set("query", request.text);
          if (request.operationName) params.set("operationName", request.operationName);
          params.set("variables", JSON.stringify(request.variables));
          const { "content-type": _json, ...getHeaders } = headers(request);
          return overHttp(await fetch(`${graphqlUrl}?${params}`, { headers: getHeaders }));
        }
        case "sse":
          return overSse(request);
        case "ws":
          return overWebSocket(request);
      }
    },
    abnormalCloses,
    async dispose() {
      await Promise.all([...clients.values()].map((c) => c.dispose()));
    },
  };
}

function timingOf(response: Response): { cache?: string; statements?: number } {
  const timing = response.headers.get("server-timing") ?? "";
  const statements = /sql;[^,]*desc="(\d+) statements?"/.exec(timing)?.[1];
  return {
    cache: /cache;desc="(\w+)"/.exec(timing)?.[1],
    statements: statements === undefined ? undefined : Number(statements),
  };
}

function parseJson(text: string): GraphQLBody | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? (parsed as GraphQLBody) : null;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const { code, reason } = (error ?? {}) as { code?: unknown; reason?: unknown };
  return code !== undefined ? `closed ${String(code)} ${String(reason)}` : String(error);
}
