import { z } from "zod";

/**
 * Every environment variable Sokudo reads, validated once at start.
 * A bad value throws ConfigError naming the variable and what it expected.
 */

// Rate limits

/** At most `points` actions in any sliding window of `windowMs`. */
export interface RateLimit {
  points: number;
  windowMs: number;
}

/** `account`: per account from one client address (per account alone without one); `address`: per address. */
interface ActionRateLimits {
  account: RateLimit | null;
  address: RateLimit | null;
}

export interface RateLimitConfig {
  logIn: ActionRateLimits;
  signUp: ActionRateLimits;
  /** Every request to /graphql, per client address; null: off. */
  operations: RateLimit | null;
  /** How many reverse proxies in front append to X-Forwarded-For; 0: the socket's address is the client. */
  trustProxyHops: number;
}

const rateLimit = z
  .string()
  .regex(/^(off|[1-9]\d*\/[1-9]\d*[smh])$/, "off, or N/<window> such as 10/15m (window in s, m or h)");

const rateLimitVariables = {
  RATE_LIMIT_LOGIN_ACCOUNT: rateLimit.optional(),
  RATE_LIMIT_LOGIN_ADDRESS: rateLimit.optional(),
  RATE_LIMIT_SIGNUP_ACCOUNT: rateLimit.optional(),
  RATE_LIMIT_SIGNUP_ADDRESS: rateLimit.optional(),
  RATE_LIMIT_OPERATIONS: rateLimit.optional(),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
};

type RateLimitVariables = z.output<z.ZodObject<typeof rateLimitVariables>>;

/** The operation budget is off by default outside production. */
const DEFAULT_OPERATIONS_LIMIT = "1200/1m";

/**
 * logIn and signUp are off by default under `npm start` (development): every example logs in as
 * the same demo user, and an 11th login would wait a quarter of an hour. Tests and production count.
 */
const DEFAULT_ACTION_LIMITS = {
  logIn: { account: "10/15m", address: "100/15m" },
  signUp: { account: "5/1h", address: "20/1h" },
} as const;

function rateLimitConfig(e: RateLimitVariables, env: string): RateLimitConfig {
  const orDefault = (value: string | undefined, fallback: string) =>
    parseRateLimit(value ?? (env === "development" ? "off" : fallback));
  return {
    logIn: {
      account: orDefault(e.RATE_LIMIT_LOGIN_ACCOUNT, DEFAULT_ACTION_LIMITS.logIn.account),
      address: orDefault(e.RATE_LIMIT_LOGIN_ADDRESS, DEFAULT_ACTION_LIMITS.logIn.address),
    },
    signUp: {
      account: orDefault(e.RATE_LIMIT_SIGNUP_ACCOUNT, DEFAULT_ACTION_LIMITS.signUp.account),
      address: orDefault(e.RATE_LIMIT_SIGNUP_ADDRESS, DEFAULT_ACTION_LIMITS.signUp.address),
    },
    operations: parseRateLimit(e.RATE_LIMIT_OPERATIONS ?? (env === "production" ? DEFAULT_OPERATIONS_LIMIT : "off")),
    trustProxyHops: e.TRUST_PROXY_HOPS,
  };
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function parseRateLimit(value: string): RateLimit | null {
  const match = /^(\d+)\/(\d+)([smh])$/.exec(value);
  if (!match) return null;
  return { points: Number(match[1]), windowMs: Number(match[2]) * UNIT_MS[match[3] as keyof typeof UNIT_MS] };
}

// Trusted documents

/**
 * off: hashes are not looked up, documents are free-form. allow: an operation may be sent by its
 * hash (documents from the manifest) or in full. required: only documents in the manifest run;
 * GraphiQL keeps free-form documents in development.
 */
export interface TrustedDocumentsConfig {
  mode: "off" | "allow" | "required";
  /** JSON manifests `{ "<sha256>": "<document>" }`, as graphql-codegen's client preset writes them. */
  files: string[];
}

const trustedDocumentsVariables = {
  TRUSTED_DOCUMENTS: z.enum(["off", "allow", "required"]).default("allow"),
  TRUSTED_DOCUMENTS_FILE: z.string().min(1).optional(),
};

type TrustedDocumentsVariables = z.output<z.ZodObject<typeof trustedDocumentsVariables>>;

function trustedDocumentsConfig(e: TrustedDocumentsVariables): TrustedDocumentsConfig {
  const files = (e.TRUSTED_DOCUMENTS_FILE ?? "")
    .split(",")
    .map((file) => file.trim())
    .filter(Boolean);
  return { mode: e.TRUSTED_DOCUMENTS, files };
}

/** A problem loadConfig reports: `required` with no manifest would refuse every operation. */
function trustedDocumentsProblem(config: TrustedDocumentsConfig): string | undefined {
  if (config.mode === "required" && config.files.length === 0) {
    return "TRUSTED_DOCUMENTS_FILE: required when TRUSTED_DOCUMENTS=required (the persisted-documents.json of your clients)";
  }
  return undefined;
}

// CORS

/**
 * CORS_ORIGINS: origins allowed to call the API from a browser, with credentials (cookies, HTTP
 * auth); `*`: any origin, never with credentials. Unset: any origin without credentials in
 * development, no cross-origin access in production. An origin not allowed gets no CORS headers,
 * so the browser withholds the response; an allowed one is echoed alone (never "null", which
 * sandboxed pages send).
 */
export type CorsConfig = { kind: "listed"; origins: string[] } | { kind: "any" } | { kind: "none" };

const origin = /^https?:\/\/[^/\s,]+$/;

const corsVariables = {
  CORS_ORIGINS: z
    .string()
    .refine(
      (value) => value.trim() === "*" || value.split(",").every((entry) => origin.test(entry.trim())),
      "*, or a comma-separated list of origins such as https://app.example.com (scheme and host, no path)",
    )
    .optional(),
};

function corsConfig(value: string | undefined, env: string): CorsConfig {
  if (value?.trim() === "*") return { kind: "any" };
  if (value) return { kind: "listed", origins: value.split(",").map((entry) => entry.trim().replace(/\/$/, "")) };
  return env === "production" ? { kind: "none" } : { kind: "any" };
}

// Everything else

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().min(0);

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// or postgresql:// URL");

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, "an http:// or https:// URL");
// OpenTelemetry: the standard variables (the SDK reads the rest of OTEL_* itself).
const telemetryVariables = {
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_SDK_DISABLED: z.enum(["true", "false"]).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("sokudo"),
};

export interface TelemetryConfig {
  /** Where traces go (OTLP over HTTP); unset: tracing is off and costs nothing. */
  endpoint: string | undefined;
  serviceName: string;
}

function telemetryConfig(e: z.output<z.ZodObject<typeof telemetryVariables>>): TelemetryConfig {
  const endpoint =
    e.OTEL_SDK_DISABLED === "true"
      ? undefined
      : (e.OTEL_EXPORTER_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  return { endpoint, serviceName: e.OTEL_SERVICE_NAME };
}

/**
 * The telemetry settings alone, for src/telemetry.ts, which loads before the application. Invalid
 * values give null (no tracing); loadConfig then reports them with every other problem.
 */
export function loadTelemetryConfig(env: Record<string, string | undefined> = process.env): TelemetryConfig | null {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in telemetryVariables && value !== undefined && value !== ""),
  );
  const parsed = z.object(telemetryVariables).safeParse(present);
  return parsed.success ? telemetryConfig(parsed.data) : null;
}

const UPSTREAMS = ["REPUTATION", "GEO", "BADGES", "ACTIVITY", "RECOMMENDER"] as const;
const upstreamVariables = Object.fromEntries(
  UPSTREAMS.flatMap((name) => [
    [`UPSTREAM_${name}_URL`, httpUrl.optional()],
    [`UPSTREAM_${name}_CACHE_TTL_SECONDS`, nonNegativeInt.optional()],
  ]),
) as Record<`UPSTREAM_${(typeof UPSTREAMS)[number]}_${"URL" | "CACHE_TTL_SECONDS"}`, z.ZodOptional<z.ZodType>>;

// Redis Cluster

export interface RedisClusterNode {
  host: string;
  port: number;
}

// A host name, an IPv4 address or a bracketed IPv6 address, then a port.
const CLUSTER_NODE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

function isClusterNode(node: string): boolean {
  const port = Number(CLUSTER_NODE.exec(node)?.[2]);
  return port >= 1 && port <= 65_535;
}

function parseClusterNode(node: string): RedisClusterNode {
  const [, host = "", port] = CLUSTER_NODE.exec(node) ?? [];
  return { host: host.replace(/^\[(.*)\]$/, "$1"), port: Number(port) };
}

const schema = z.object({
  ...upstreamVariables,
  UPSTREAM_TIMEOUT_MS: positiveInt.default(3_000),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(3).default(3),
  UPSTREAM_CONCURRENCY: positiveInt.default(16),
  UPSTREAM_CACHE_TTL_SECONDS: nonNegativeInt.default(3_600),
  DEMO_UPSTREAMS: z.enum(["auto", "on", "off"]).default("auto"),
  DEMO_UPSTREAM_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port.default(4000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .refine(
      (urls) => urls.every((url) => postgresUrl.safeParse(url).success),
      "comma-separated postgres:// or postgresql:// URLs of streaming replicas",
    )
    .optional(),
  EMBEDDED_PG_DIR: z.string().min(1).default(".data/postgres"),
  EMBEDDED_PG_PORT: port.default(54329),
  AUTH_SECRET: z.string().min(32, "at least 32 characters").optional(),
  AUTH_TOKEN_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  DB_POOL_MIN: nonNegativeInt.default(2),
  DB_POOL_MAX: positiveInt.default(10),
  DB_POOL_CONNECTION_TIMEOUT_MS: positiveInt.default(5_000),
  DB_POOL_IDLE_TIMEOUT_MS: positiveInt.default(30_000),
  DB_POOL_MAX_LIFETIME_SECONDS: positiveInt.default(3_600),
  DB_STATEMENT_TIMEOUT_MS: positiveInt.default(15_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")
    .optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((value) => value.split(",").map((node) => node.trim()))
    .refine((nodes) => nodes.every(isClusterNode), "comma-separated host:port, such as 10.0.0.1:6379,10.0.0.2:6379")
    .transform((nodes) => nodes.map(parseClusterNode))
    .optional(),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(250),
  RESPONSE_CACHE: z.enum(["on", "off"]).default("on"),
  CACHE_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, "1 to 64 letters, digits, _ : . -")
    .default("sokudo"),
  CACHE_TTL_VIEWER_SECONDS: positiveInt.default(15 * 60),
  CACHE_WARM_OPERATIONS_FILE: z.string().min(1).optional(),
  CDN_PURGE_URL: z
    .string()
    .regex(/^https?:\/\//, "an http:// or https:// URL")
    .optional(),
  CDN_PURGE_KIND: z.enum(["webhook", "varnish"]).default("webhook"),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "an smtp:// or smtps:// URL")
    .optional(),
  OUTBOX_DIR: z.string().min(1).default(".data/outbox"),
  WORKER_CONCURRENCY: positiveInt.default(4),
  REPORT_RENDER_THREADS: positiveInt.default(2),
  WORKER_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  GRAPHQL_MAX_DEPTH: positiveInt.default(12),
  GRAPHQL_MAX_TOKENS: positiveInt.default(2_000),
  GRAPHQL_MAX_ALIASES: positiveInt.default(30),
  GRAPHQL_MAX_BODY_BYTES: positiveInt.default(100_000),
  GRAPHQL_MAX_COST: positiveInt.default(300_000),
  GRAPHQL_EXECUTION_TIMEOUT_MS: positiveInt.default(10_000),
  INTROSPECTION: z.enum(["on", "off", "authenticated"]).optional(),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(5_000),
  MAX_CONNECTIONS_PER_ADDRESS: nonNegativeInt.optional(),
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  ADMIN_TOKEN: z.string().min(16, "at least 16 characters").optional(),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(1000).default(150),
  ...rateLimitVariables,
  ...corsVariables,
  ...trustedDocumentsVariables,
  ...telemetryVariables,
});

export type Env = z.input<typeof schema>;

export interface Config {
  env: "development" | "production" | "test";
  host: string;
  port: number;
  http: HttpConfig;
  logLevel: string;
  /** Unset means: start the embedded PostgreSQL (only `start`, `migrate`, `seed` allow that). */
  databaseUrl: string | undefined;
  /** DATABASE_REPLICA_URLS: streaming replicas of the primary for the loaders' reads (graphql/read-route.ts); empty: none. */
  replicaUrls: string[];
  embeddedPostgres: { dataDir: string; port: number };
  auth: { secret: string | undefined; tokenTtlSeconds: number };
  pool: {
    min: number;
    max: number;
    connectionTimeoutMs: number;
    idleTimeoutMs: number;
    maxLifetimeSeconds: number;
    statementTimeoutMs: number;
  };
  /** Neither url nor clusterNodes set means: cache in process memory. */
  redis: {
    url: string | undefined;
    /** REDIS_CLUSTER_NODES: the seed nodes of a Redis Cluster (exclusive with url). */
    clusterNodes: RedisClusterNode[] | undefined;
    commandTimeoutMs: number;
    keyPrefix: string;
  };
  responseCache: {
    enabled: boolean;
    ttl: {
      /** The most a per-viewer response lives. */
      viewerSeconds: number;
      /** CACHE_TTL_<TYPE>_SECONDS: overrides of the TTLs types declare, by upper-cased type name. */
      byType: Record<string, number>;
    };
    /** A .graphql file of operations run at start so the first request after a deploy is a hit. */
    warmOperationsFile: string | undefined;
  };
  /** Where invalidated index keys are purged (cache/cdn-purge.ts); unset: no purges. */
  cdn: { purgeUrl: string | undefined; purgeKind: "webhook" | "varnish" };
  upstream: {
    /** Base URL per service; a missing one is served by a demo upstream where allowed. */
    urls: Partial<Record<UpstreamName, string>>;
    timeoutMs: number;
    retries: number;
    concurrency: number;
    cacheTtlSeconds: Record<UpstreamName, number>;
    /** auto: `start` serves missing services with built-in demos, `serve` refuses to start. */
    demo: "auto" | "on" | "off";
    demoFailureRate: number;
  };
  jobs: {
    /** Unset: mail is written as .eml files to `outboxDir`. */
    smtpUrl: string | undefined;
    outboxDir: string;
    concurrency: number;
    renderThreads: number;
    /** On SIGTERM, running jobs get this long to finish before they are aborted and released. */
    shutdownTimeoutMs: number;
  };
  limits: {
    maxDepth: number;
    maxTokens: number;
    maxAliases: number;
    maxBodyBytes: number;
    /** The most an operation may cost (src/graphql/cost.ts) before it is refused unexecuted. */
    maxCost: number;
    /** A query or mutation still running after this long is answered with EXECUTION_TIMEOUT. */
    executionTimeoutMs: number;
  };
  /**
   * Who may query `__schema` and `__type` (`__typename` is always allowed): anyone, only requests
   * with a valid bearer token, or nobody. Default: off in production, on otherwise.
   */
  introspection: "on" | "off" | "authenticated";
  /**
   * GET /metrics: on METRICS_HOST:METRICS_PORT when a port is set, else on the API's port (in
   * production only with a token); METRICS_TOKEN, when set, is required as a bearer token.
   */
  metrics: { token: string | undefined; port: number | undefined; host: string };
  /** ADMIN_TOKEN: GET /debug/profile and /debug/heap answer only its bearer; unset, they are not served. */
  adminToken: string | undefined;
  /** WEB_CONCURRENCY: API processes sharing the port (`start`, `serve`); 1 is the single process. */
  webConcurrency: number;
  /** HEAP_GROWTH_PERCENT: how far V8's heap may grow past what survived a full collection (cli/memory-settings.ts); 0 is V8's own choice. */
  heapGrowthPercent: number;
  rateLimits: RateLimitConfig;
  cors: CorsConfig;
  trustedDocuments: TrustedDocumentsConfig;
  telemetry: TelemetryConfig;
}

/** The HTTP server's guards against clients that hold connections (src/http/server.ts). */
export interface HttpConfig {
  /** A request whose headers have not all arrived after this long is answered 408 and closed. */
  headersTimeoutMs: number;
  /** Likewise for the whole request, body included (not the response: SSE streams live on). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Open connections one remote address may hold; null: no cap. */
  maxConnectionsPerAddress: number | null;
}

const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

/** Behind a proxy (TRUST_PROXY_HOPS) every connection comes from the proxy's address: no cap unless one is set. */
function httpConfig(e: {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  MAX_CONNECTIONS_PER_ADDRESS?: number;
  TRUST_PROXY_HOPS: number;
}): HttpConfig {
  const cap = e.MAX_CONNECTIONS_PER_ADDRESS ?? (e.TRUST_PROXY_HOPS > 0 ? 0 : DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
  return {
    headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnectionsPerAddress: cap === 0 ? null : cap,
  };
}

export type UpstreamName = "reputation" | "geo" | "badges" | "activity" | "recommender";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Secrets and URLs (which may carry a password or a token) are never echoed in an error:
 * the variable is named, its value is not.
 */
const NEVER_SHOWN = /SECRET|PASSWORD|TOKEN|KEY$|_URLS?$|_ENDPOINT$/;

function shownValue(name: string, value: string | undefined): string {
  return NEVER_SHOWN.test(name) ? " (value not shown)" : `=${JSON.stringify(value)}`;
}

/** Variables a command cannot run without (the others have defaults, or are zero-config in `start`). */
function requiredBy(command: string | undefined, env: Record<string, string | undefined>): string[] {
  if (command === "worker") return ["DATABASE_URL"];
  if (command !== "serve") return [];
  const upstreams = env.DEMO_UPSTREAMS === "on" ? [] : UPSTREAMS.map((name) => `UPSTREAM_${name}_URL`);
  return ["DATABASE_URL", "AUTH_SECRET", ...upstreams];
}

const TYPE_TTL = /^CACHE_TTL_[A-Z][A-Z0-9]*_SECONDS$/;

/** Invalid values and, for `command`, missing required variables: all reported at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env, command?: string): Config {
  // Each type declares its cache TTL beside its fields (src/schema/); CACHE_TTL_<TYPE>_SECONDS overrides one.
  const typeTtlVariables = Object.keys(env).filter(
    (key) => TYPE_TTL.test(key) && key !== "CACHE_TTL_VIEWER_SECONDS" && env[key] !== undefined && env[key] !== "",
  );
  const typeTtls = z
    .object(Object.fromEntries(typeTtlVariables.map((name) => [name, positiveInt])))
    .safeParse(Object.fromEntries(typeTtlVariables.map((name) => [name, env[name]])));
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in schema.shape && value !== undefined && value !== ""),
  );
  const parsed = schema.safeParse(present);
  const missing = requiredBy(command, env).filter((name) => !(name in present));
  if (!parsed.success || !typeTtls.success || missing.length > 0) {
    const problems = [...(parsed.error?.issues ?? []), ...(typeTtls.error?.issues ?? [])].map((issue) => {
      const name = String(issue.path[0]);
      return `${name}${shownValue(name, env[name])}: ${issue.message}`;
    });
    if (missing.length > 0) {
      const demo = missing.some((name) => name.startsWith("UPSTREAM_")) ? " (UPSTREAM_*: or DEMO_UPSTREAMS=on)" : "";
      problems.push(`${missing.join(", ")}: required by \`${command}\`${demo}`);
    }
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS=${e.HTTP_HEADERS_TIMEOUT_MS}: must not exceed HTTP_REQUEST_TIMEOUT_MS=${e.HTTP_REQUEST_TIMEOUT_MS}`,
    );
  }
  if (e.DB_POOL_MIN > e.DB_POOL_MAX) {
    throw new ConfigError(
      `Invalid configuration:\n  DB_POOL_MIN=${e.DB_POOL_MIN}: must not exceed DB_POOL_MAX=${e.DB_POOL_MAX}`,
    );
  }
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES) {
    throw new ConfigError(
      "Invalid configuration:\n  REDIS_CLUSTER_NODES: not together with REDIS_URL (one Redis, or one Redis Cluster)",
    );
  }
  const trustedDocuments = trustedDocumentsConfig(e);
  const trustedDocumentsIssue = trustedDocumentsProblem(trustedDocuments);
  if (trustedDocumentsIssue) throw new ConfigError(`Invalid configuration:\n  ${trustedDocumentsIssue}`);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    http: httpConfig(e),
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    replicaUrls: e.DATABASE_REPLICA_URLS ?? [],
    embeddedPostgres: { dataDir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    auth: { secret: e.AUTH_SECRET, tokenTtlSeconds: e.AUTH_TOKEN_TTL_SECONDS },
    pool: {
      min: e.DB_POOL_MIN,
      max: e.DB_POOL_MAX,
      connectionTimeoutMs: e.DB_POOL_CONNECTION_TIMEOUT_MS,
      idleTimeoutMs: e.DB_POOL_IDLE_TIMEOUT_MS,
      maxLifetimeSeconds: e.DB_POOL_MAX_LIFETIME_SECONDS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    },
    redis: {
      url: e.REDIS_URL,
      clusterNodes: e.REDIS_CLUSTER_NODES,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
      keyPrefix: e.CACHE_KEY_PREFIX,
    },
    responseCache: {
      enabled: e.RESPONSE_CACHE === "on",
      ttl: {
        viewerSeconds: e.CACHE_TTL_VIEWER_SECONDS,
        byType: Object.fromEntries(
          Object.entries(typeTtls.data).map(([name, seconds]) => [
            name.slice("CACHE_TTL_".length, -"_SECONDS".length),
            seconds,
          ]),
        ),
      },
      warmOperationsFile: e.CACHE_WARM_OPERATIONS_FILE,
    },
    cdn: { purgeUrl: e.CDN_PURGE_URL, purgeKind: e.CDN_PURGE_KIND },
    upstream: {
      urls: Object.fromEntries(
        UPSTREAMS.flatMap((name) => {
          const url = e[`UPSTREAM_${name}_URL`] as string | undefined;
          return url ? [[name.toLowerCase(), url]] : [];
        }),
      ),
      timeoutMs: e.UPSTREAM_TIMEOUT_MS,
      retries: e.UPSTREAM_RETRIES,
      concurrency: e.UPSTREAM_CONCURRENCY,
      cacheTtlSeconds: Object.fromEntries(
        UPSTREAMS.map((name) => [
          name.toLowerCase(),
          (e[`UPSTREAM_${name}_CACHE_TTL_SECONDS`] as number | undefined) ?? e.UPSTREAM_CACHE_TTL_SECONDS,
        ]),
      ) as Record<UpstreamName, number>,
      demo: e.DEMO_UPSTREAMS,
      demoFailureRate: e.DEMO_UPSTREAM_FAILURE_RATE,
    },
    jobs: {
      smtpUrl: e.SMTP_URL,
      outboxDir: e.OUTBOX_DIR,
      concurrency: e.WORKER_CONCURRENCY,
      renderThreads: e.REPORT_RENDER_THREADS,
      shutdownTimeoutMs: e.WORKER_SHUTDOWN_TIMEOUT_MS,
    },
    limits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
      maxCost: e.GRAPHQL_MAX_COST,
      executionTimeoutMs: e.GRAPHQL_EXECUTION_TIMEOUT_MS,
    },
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    adminToken: e.ADMIN_TOKEN,
    webConcurrency: e.WEB_CONCURRENCY,
    heapGrowthPercent: e.HEAP_GROWTH_PERCENT,
    introspection: e.INTROSPECTION ?? (e.NODE_ENV === "production" ? "off" : "on"),
    rateLimits: rateLimitConfig(e, e.NODE_ENV),
    cors: corsConfig(e.CORS_ORIGINS, e.NODE_ENV),
    trustedDocuments,
    telemetry: telemetryConfig(e),
  };
}
