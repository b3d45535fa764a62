import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { Defer20220824Handler } from "@apollo/client/incremental";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { seedDatabase } from "../prisma/seed.ts";
import { listen } from "../src/http/server.ts";
import { ScriptedUpstream } from "./helpers/scripted-upstream.ts";
import { useTestServer } from "./helpers/server.ts";

// What a frontend sees: Apollo Client 4 (HttpLink, InMemoryCache) against a listening Sokudo,
// asking for `insights` under @defer while the geo service holds its answer.

const geo = await new ScriptedUpstream().start();
const reputation = await new ScriptedUpstream().start();
reputation.otherwise((requested) => {
  const handles = new URL(requested, "http://x").searchParams.get("handles")?.split(",") ?? [];
  return { json: { users: handles.map((handle) => ({ handle, score: 9.5, rank: 1 })) } };
});
let releaseGeo: () => void = () => undefined;
const geoReleased = new Promise<void>((resolve) => (releaseGeo = resolve));
geo.otherwise(() => ({ json: { country: "JP", timezone: "Asia/Tokyo" }, holdUntil: () => geoReleased }));

const server = await useTestServer({
  RESPONSE_CACHE: "off",
  UPSTREAM_GEO_URL: geo.url,
  UPSTREAM_REPUTATION_URL: reputation.url,
  UPSTREAM_TIMEOUT_MS: "60000",
  UPSTREAM_RETRIES: "0",
  UPSTREAM_CACHE_TTL_SECONDS: "0",
});
const seeding = new pg.Client({ connectionString: server.url });
await seeding.connect();
await seedDatabase(seeding, { users: 2, posts: 2, comments: 0, likesPerPost: 0, followsPerUser: 0 });
await seeding.end();
const http = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());

const client = new ApolloClient({
  link: new HttpLink({ uri: `${http.url}/graphql` }),
  cache: new InMemoryCache(),
  incrementalHandler: new Defer20220824Handler(),
});
afterAll(() => client.stop());

const UserWithDeferredInsights = gql`
  query UserWithDeferredInsights($handle: String!) {
    user(handle: $handle) {
      handle
      ... @defer {
        insights {
          location {
            country
          }
          reputation {
            score
          }
        }
      }
    }
  }
`;

/** The watched query's emissions, each awaited in turn. */
function emissionsOf(handle: string) {
  const queued: unknown[] = [];
  const waiting: ((value: unknown) => void)[] = [];
  const subscription = client
    .watchQuery({ query: UserWithDeferredInsights, variables: { handle } })
    .subscribe((value) => (waiting.shift() ?? ((emitted: unknown) => queued.push(emitted)))(value));
  afterAll(() => subscription.unsubscribe());
  return () => (queued.length ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve)));
}

describe("Apollo Client 4 and @defer", () => {
  it("receives the user before geo answers, then the user with its insights", async () => {
    const next = emissionsOf("user1");
    let emitted = await next();
    // First the loading state, with no data yet.
    const isLoading = (value: unknown) =>
      (value as { loading: boolean; dataState: string }).loading &&
      (value as { dataState: string }).dataState === "empty";
    while (isLoading(emitted)) emitted = await next();
    expect(emitted).toMatchObject({
      data: { user: { __typename: "User", handle: "user1" } },
      dataState: "streaming",
    });
    expect((emitted as { data: { user: object } }).data.user).not.toHaveProperty("insights");

    releaseGeo();
    expect(await next()).toMatchObject({
      data: {
        user: {
          handle: "user1",
          insights: { location: { country: "JP" }, reputation: { score: 9.5 } },
        },
      },
      dataState: "complete",
    });
  });
});
