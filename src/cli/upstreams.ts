import type { CacheStore } from "../cache/store.ts";
import { type Config, ConfigError } from "../config.ts";
import { startDemoUpstreams } from "../embedded/upstreams.ts";
import type { Logger } from "../observability/logger.ts";
import { onShutdown } from "../shutdown.ts";
import {
  createUpstreams,
  UPSTREAM_SERVICES,
  type UpstreamHooks,
  type UpstreamServiceName,
  type Upstreams,
} from "../upstream/services.ts";

/**
 * The upstream services for a command: the configured URLs, and for the ones missing, the
 * built-in demo upstreams where allowed (`start`, or DEMO_UPSTREAMS=on); `serve` otherwise
 * refuses to start rather than quietly serving demo data.
 */
export async function setUpUpstreams(
  config: Config,
  command: "start" | "serve",
  store: CacheStore,
  logger: Logger,
  hooks: UpstreamHooks = {},
): Promise<Upstreams> {
  const missing = UPSTREAM_SERVICES.filter((name) => !config.upstream.urls[name]);
  const urls = { ...config.upstream.urls } as Record<UpstreamServiceName, string>;
  if (missing.length > 0) {
    const demoAllowed = config.upstream.demo === "on" || (config.upstream.demo === "auto" && command === "start");
    if (!demoAllowed) {
      const variables = missing.map((name) => `UPSTREAM_${name.toUpperCase()}_URL`);
      throw new ConfigError(
        `Invalid configuration:\n  ${variables.join(", ")}: required by \`${command}\` (or DEMO_UPSTREAMS=on for built-in demo services)`,
      );
    }
    const demo = await startDemoUpstreams(missing, { failureRate: config.upstream.demoFailureRate });
    onShutdown("demo upstreams", () => demo.close());
    Object.assign(urls, demo.urls);
    logger.info(
      `demo upstreams (failure rate ${config.upstream.demoFailureRate}): ${missing.map((name) => `${name} ${demo.urls[name]}`).join(", ")}`,
    );
  }
  return createUpstreams({ ...config.upstream, urls }, store, hooks);
}
