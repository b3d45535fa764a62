import { builder } from "./builder.ts";
import { COST } from "./field-cost.ts";
import type { Post } from "../data/generated/prisma/client.ts";
import { schemas, upstreamPaths } from "../upstream/services.ts";
import { PostRef } from "./post.ts";
import { UserRef } from "./user.ts";
import { readsFields } from "./narrow-rows.ts";

// `User.insights`: what external services know about a user. Each field calls its own service;
// graphql-js starts sibling fields together, so the whole object costs about the slowest call.
// A failing service makes its field null with an UPSTREAM_* error; the other fields still arrive.

const Reputation = builder.objectRef<{ score: number; rank: number }>("Reputation").implement({
  description: "Standing in the community, from the reputation service.",
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({
    score: t.exposeFloat("score", { description: "Higher is better." }),
    rank: t.exposeInt("rank", { description: "Position among all users; 1 is the top." }),
  }),
});
const Location = builder.objectRef<{ country: string; timezone: string }>("Location").implement({
  description: "Where the user is, from the geo service.",
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({
    country: t.exposeString("country", { description: "ISO 3166-1 alpha-2" }),
    timezone: t.exposeString("timezone", { description: "IANA time zone, e.g. `Europe/Paris`." }),
  }),
});
const Badge = builder.objectRef<{ id: string; name: string }>("Badge").implement({
  description: "An award, from the badges service.",
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({
    id: t.exposeString("id", { description: "The badges service's own id (not a global id)." }),
    name: t.exposeString("name", { description: "What it is called." }),
  }),
});
const Activity = builder.objectRef<{ commitsLastWeek: number; streakDays: number }>("Activity").implement({
  description: "Recent activity, from the activity service.",
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({
    commitsLastWeek: t.exposeInt("commitsLastWeek", { description: "Contributions in the last 7 days." }),
    streakDays: t.exposeInt("streakDays", { description: "Consecutive days with a contribution, up to today." }),
  }),
});

const UserInsights = builder.objectRef<{ handle: string }>("UserInsights").implement({
  extensions: { cacheScope: "PUBLIC" },
  description: "Data from external services; each field is null (with an error) when its service fails.",
  fields: (t) => ({
    reputation: t.field({
      complexity: COST.upstream,
      type: Reputation,
      description: "From the reputation service.",
      nullable: true,
      resolve: ({ handle }, _args, context) => context.upstreamLoaders.reputation.load(handle),
    }),
    location: t.field({
      complexity: COST.upstream,
      type: Location,
      description: "From the geo service.",
      nullable: true,
      resolve: ({ handle }, _args, context) =>
        context.upstreams.clients.geo.get(upstreamPaths.user(handle), schemas.geo, { signal: context.request.signal }),
    }),
    badges: t.field({
      complexity: COST.upstream,
      type: [Badge],
      description: "From the badges service.",
      nullable: true,
      resolve: async ({ handle }, _args, context) => {
        const body = await context.upstreams.clients.badges.get(upstreamPaths.user(handle), schemas.badges, {
          signal: context.request.signal,
        });
        return body?.badges ?? null;
      },
    }),
    activity: t.field({
      complexity: COST.upstream,
      type: Activity,
      description: "From the activity service.",
      nullable: true,
      resolve: ({ handle }, _args, context) =>
        context.upstreams.clients.activity.get(upstreamPaths.user(handle), schemas.activity, {
          signal: context.request.signal,
        }),
    }),
    recommendedPosts: t.field({
      complexity: COST.upstream,
      type: [PostRef],
      nullable: true,
      description: "Posts the recommender suggests, loaded in one statement; deleted ones are left out.",
      resolve: async ({ handle }, _args, context) => {
        const body = await context.upstreams.clients.recommender.get(upstreamPaths.user(handle), schemas.recommender, {
          signal: context.request.signal,
        });
        if (!body) return null;
        const posts = await context.loaders.postById.loadMany(body.postIds);
        return posts.filter((post): post is Post => post !== null && !(post instanceof Error));
      },
    }),
  }),
});

builder.prismaObjectFields(UserRef, (t) => ({
  insights: t.field({
    type: UserInsights,
    description: "What external services know about the user; the services are called in parallel.",
    extensions: readsFields("handle"),
    resolve: (user) => ({ handle: user.handle }),
  }),
}));
