import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type ExecutionResult, print } from "graphql";
import { afterAll } from "vitest";
import { type Config, loadConfig } from "../../src/config.ts";
import { buildApi } from "../../src/app.ts";
import type { Database } from "../../src/data/db.ts";
import type { SokudoYoga } from "../../src/graphql/yoga.ts";
import type { CommentEvents } from "../../src/jobs/comment-events.ts";
import type { JobEvents, JobEventsOptions } from "../../src/jobs/tracking.ts";
import type { UpstreamCallEvent } from "../../src/upstream/client.ts";
import { createUpstreams, UPSTREAM_SERVICES, type UpstreamServiceName } from "../../src/upstream/services.ts";
import { useTestDatabase } from "./database.ts";
import { createTestLogger } from "./logger.ts";

export const TEST_SECRET = "test-secret-that-is-long-enough-for-hs256";

export interface GraphQLResponse<T> extends ExecutionResult<T> {
  status: number;
  /** SQL statements the request sent, read from its Server-Timing header. */
  statements: number;
  headers: Headers;
}

export interface TestServer {
  config: Config;
  db: Database;
  yoga: SokudoYoga;
  /** The process's LISTEN connection: a test waits on a notification the server has handled. */
  jobEvents: JobEvents;
  /** New comments by post, over that connection: a test waits until its subscription listens. */
  commentEvents: CommentEvents;
  url: string;
  /** Runs an operation through yoga.fetch, in process. */
  execute<T, V>(
    document: TypedDocumentNode<T, V> | string,
    options?: { variables?: V; token?: string | null; operationName?: string },
  ): Promise<GraphQLResponse<T>>;
}

/**
 * A Sokudo server on this test file's own fresh database, or on `databaseUrl` (a second
 * instance beside another server: pass the same REDIS_URL and CACHE_KEY_PREFIX too).
 */
export async function useTestServer(
  env: Record<string, string> = {},
  databaseUrl?: string,
  options: { onUpstreamCall?: (event: UpstreamCallEvent) => void; jobEvents?: JobEventsOptions } = {},
): Promise<TestServer> {
  const url = databaseUrl ?? (await useTestDatabase());
  // Test files share one Redis: each server gets its own key prefix unless the test chooses one.
  const config = loadConfig({
    NODE_ENV: "test",
    DATABASE_URL: url,
    DB_POOL_MIN: "0",
    CACHE_KEY_PREFIX: `test:${url.split("/").pop()}`,
    AUTH_TOKEN_TTL_SECONDS: "3600",
    ...env,
  });
  const logger = createTestLogger(config);
  const { db, yoga, jobEvents, commentEvents } = await buildApi({
    config,
    databaseUrl: url,
    secret: TEST_SECRET,
    logger,
    onClose: (_name, close) => afterAll(async () => void (await close())),
    upstreams: (store, hooks) =>
      createUpstreams(
        {
          ...config.upstream,
          // Services a test does not set are unreachable (the discard port refuses at once).
          urls: Object.fromEntries(
            UPSTREAM_SERVICES.map((name) => [name, config.upstream.urls[name] ?? "http://127.0.0.1:9"]),
          ) as Record<UpstreamServiceName, string>,
          backoffMs: 10,
        },
        store,
        {
          ...hooks,
          onCall: (event) => {
            hooks.onCall?.(event);
            options.onUpstreamCall?.(event);
          },
        },
      ),
    jobEvents: options.jobEvents,
  });
  return {
    config,
    db,
    yoga,
    jobEvents,
    commentEvents,
    url,
    async execute(document, options = {}) {
      const query = typeof document === "string" ? document : print(document);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const response = await yoga.fetch("http://sokudo.test/graphql", {
        method: "POST",
        headers,
        body: JSON.stringify({ query, variables: options.variables ?? {}, operationName: options.operationName }),
      });
      const body = (await response.json()) as ExecutionResult<never>;
      return {
        ...body,
        status: response.status,
        statements: statementsFrom(response.headers),
        headers: response.headers,
      };
    },
  };
}

export function statementsFrom(headers: Headers): number {
  const match = headers.get("server-timing")?.match(/sql;[^,]*desc="(\d+) statements?"/);
  if (!match) throw new Error(`No SQL Server-Timing in response: ${headers.get("server-timing")}`);
  return Number(match[1]);
}

/** The `extensions.code` of each error, in order. */
export function errorCodes(result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) {
  return (result.errors ?? []).map((error) => error.extensions?.code);
}
