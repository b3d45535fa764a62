import pg from "pg";
import { describe, expect, it } from "vitest";
import { seedDatabase } from "../prisma/seed.ts";
import type { UpstreamCallEvent } from "../src/upstream/client.ts";
import { graphql } from "./gql/index.ts";
import { ScriptedUpstream } from "./helpers/scripted-upstream.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

// User.insights through the GraphQL server, with five real HTTP upstreams on loopback.

const services = {
  reputation: await new ScriptedUpstream().start(),
  geo: await new ScriptedUpstream().start(),
  badges: await new ScriptedUpstream().start(),
  activity: await new ScriptedUpstream().start(),
  recommender: await new ScriptedUpstream().start(),
};
const events: UpstreamCallEvent[] = [];
const server = await useTestServer(
  {
    UPSTREAM_REPUTATION_URL: services.reputation.url,
    UPSTREAM_GEO_URL: services.geo.url,
    UPSTREAM_BADGES_URL: services.badges.url,
    UPSTREAM_ACTIVITY_URL: services.activity.url,
    UPSTREAM_RECOMMENDER_URL: services.recommender.url,
    UPSTREAM_TIMEOUT_MS: "700",
    UPSTREAM_CACHE_TTL_SECONDS: "0",
    RESPONSE_CACHE: "off",
  },
  undefined,
  { onUpstreamCall: (event) => events.push(event) },
);
const seeding = new pg.Client({ connectionString: server.url });
await seeding.connect();
await seedDatabase(seeding, { users: 60, posts: 200, comments: 0, likesPerPost: 0, followsPerUser: 0 });
await seeding.end();

/** Every service answers for `handle`; `holdUntil`, when given, holds each answer until it settles. */
function scriptAll(handle: string, holdUntil?: () => Promise<unknown>) {
  for (const service of Object.values(services)) service.reset();
  services.reputation.on(`/users?handles=${handle}`, { json: { users: [{ handle, score: 9.5, rank: 3 }] }, holdUntil });
  services.geo.on(`/users/${handle}`, { json: { country: "JP", timezone: "Asia/Tokyo" }, holdUntil });
  services.badges.on(`/users/${handle}`, { json: { badges: [{ id: "b1", name: "Badge" }] }, holdUntil });
  services.activity.on(`/users/${handle}`, { json: { commitsLastWeek: 12, streakDays: 4 }, holdUntil });
  services.recommender.on(`/users/${handle}`, { json: { postIds: [3, 1, 2] }, holdUntil });
}

const Insights = graphql(`
  query Insights($handle: String!) {
    user(handle: $handle) {
      insights {
        reputation {
          score
          rank
        }
        location {
          country
          timezone
        }
        badges {
          id
          name
        }
        activity {
          commitsLastWeek
          streakDays
        }
        recommendedPosts {
          title
        }
      }
    }
  }
`);

const ManyReputations = graphql(`
  query ManyReputations {
    users(first: 50) {
      edges {
        node {
          handle
          insights {
            reputation {
              score
            }
          }
        }
      }
    }
  }
`);

describe("User.insights", () => {
  it("calls the five services at once: none answers until all five have been called", async () => {
    // Called one after another, the first call would wait for the other four and time out.
    let called = 0;
    let allCalled: () => void = () => {};
    const everyServiceCalled = new Promise<void>((resolve) => (allCalled = resolve));
    scriptAll("user1", () => {
      if (++called === 5) allCalled();
      return everyServiceCalled;
    });
    const result = await server.execute(Insights, { variables: { handle: "user1" } });
    expect(result.errors).toBeUndefined();
    expect(called).toBe(5);
    expect(result.data?.user?.insights).toMatchObject({
      reputation: { score: 9.5, rank: 3 },
      location: { country: "JP", timezone: "Asia/Tokyo" },
      badges: [{ id: "b1", name: "Badge" }],
      activity: { commitsLastWeek: 12, streakDays: 4 },
    });
    expect(result.data?.user?.insights.recommendedPosts).toHaveLength(3);
  });

  it("loads the recommended posts in one SQL statement", async () => {
    scriptAll("user2");
    const result = await server.execute(Insights, { variables: { handle: "user2" } });
    // user, then the three recommended posts by id
    expect(result.statements).toBe(2);
  });

  it("reports a failing service on its field only, with its code and service", async () => {
    scriptAll("user3");
    services.geo.on("/users/user3", { hang: true });
    services.badges.on("/users/user3", { raw: "<html>oops</html>" });
    services.activity.on("/users/user3", { status: 503 });
    const result = await server.execute(Insights, { variables: { handle: "user3" } });
    const insights = result.data?.user?.insights;
    expect(insights?.location).toBeNull();
    expect(insights?.badges).toBeNull();
    expect(insights?.activity).toBeNull();
    expect(insights?.reputation).toEqual({ score: 9.5, rank: 3 });
    expect(insights?.recommendedPosts).toHaveLength(3);
    const byField = Object.fromEntries(
      (result.errors ?? []).map((error) => [error.path?.at(-1), [error.extensions?.code, error.extensions?.service]]),
    );
    expect(byField).toEqual({
      location: ["UPSTREAM_TIMEOUT", "geo"],
      badges: ["UPSTREAM_BAD_RESPONSE", "badges"],
      activity: ["UPSTREAM_UNAVAILABLE", "activity"],
    });
  });

  it("gives null without an error when a service does not know the user (404)", async () => {
    scriptAll("user4");
    services.geo.on("/users/user4", { status: 404 });
    const result = await server.execute(Insights, { variables: { handle: "user4" } });
    expect(result.errors).toBeUndefined();
    expect(result.data?.user?.insights.location).toBeNull();
  });

  it("batches reputation across 50 users into one call", async () => {
    services.reputation.reset();
    services.reputation.otherwise((path) => {
      const handles = new URL(path, "http://x").searchParams.get("handles")?.split(",") ?? [];
      return { json: { users: handles.map((handle, i) => ({ handle, score: i, rank: i + 1 })) } };
    });
    const result = await server.execute(ManyReputations);
    expect(result.errors).toBeUndefined();
    expect(result.data?.users.edges).toHaveLength(50);
    expect(result.data?.users.edges.every((edge) => edge.node.insights.reputation !== null)).toBe(true);
    expect(services.reputation.requests).toHaveLength(1);
    expect(services.reputation.requests[0]?.path).toMatch(/^\/users\?handles=/);
  });

  it("reports every upstream call to the observability hook", async () => {
    events.length = 0;
    scriptAll("user5");
    await server.execute(Insights, { variables: { handle: "user5" } });
    expect(new Set(events.map((event) => event.service))).toEqual(
      new Set(["reputation", "geo", "badges", "activity", "recommender"]),
    );
    expect(events.every((event) => event.outcome === "ok")).toBe(true);
  });

  it("calls no upstream for a user that does not exist", async () => {
    for (const service of Object.values(services)) service.reset();
    const result = await server.execute(Insights, { variables: { handle: "nobody" } });
    expect(errorCodes(result)).toEqual(["NOT_FOUND"]);
    expect(Object.values(services).every((service) => service.requests.length === 0)).toBe(true);
  });
});
