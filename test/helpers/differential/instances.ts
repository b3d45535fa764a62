import { afterAll } from "vitest";
import { type HttpServer, listen } from "../../../src/http/server.ts";
import { freePort } from "../free-port.ts";
import { OwnRedis } from "../own-redis.ts";
import { type TestServer, useTestServer } from "../server.ts";
import { createEndpoint, type Endpoint } from "./transports.ts";

export interface Instance {
  name: string;
  server: TestServer;
  endpoint: Endpoint;
}

/**
 * Two instances with the response cache on, sharing one Redis (a redis-server of this file's own)
 * and one key prefix, and a reference with the cache off, all on one fresh database, each
 * listening on a port of its own (HTTP and WebSocket).
 */
export async function startInstances(trustedDocumentsFile: string): Promise<{
  cached: [Instance, Instance];
  reference: Instance;
  databaseUrl: string;
}> {
  const redis = new OwnRedis(await freePort());
  await redis.start();
  afterAll(() => redis.stop());
  const common = {
    REDIS_URL: redis.url,
    TRUSTED_DOCUMENTS: "allow",
    TRUSTED_DOCUMENTS_FILE: trustedDocumentsFile,
    // The generator logs in now and then; the limits are not what this test is about.
    RATE_LIMIT_LOGIN_ACCOUNT: "10000/1h",
    RATE_LIMIT_LOGIN_ADDRESS: "10000/1h",
  };
  const reference = await useTestServer({
    ...common,
    RESPONSE_CACHE: "off",
    CACHE_KEY_PREFIX: "differential:reference",
  });
  const databaseUrl = reference.url;
  const shared = { ...common, RESPONSE_CACHE: "on", CACHE_KEY_PREFIX: "differential:cached" };
  const first = await useTestServer(shared, databaseUrl);
  const second = await useTestServer(shared, databaseUrl);
  const instance = async (name: string, server: TestServer): Promise<Instance> => {
    const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
    const endpoint = createEndpoint(http.url);
    afterAll(async () => {
      await endpoint.dispose();
      await http.close();
    });
    return { name, server, endpoint };
  };
  return {
    cached: [await instance("cached-1", first), await instance("cached-2", second)],
    reference: await instance("reference", reference),
    databaseUrl,
  };
}
