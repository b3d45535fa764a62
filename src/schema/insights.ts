import { builder } from "../builder.ts";
import { COST } from "../graphql/cost.ts";
import type { Post } from "../generated/prisma/client.ts";
import { schemas, upstreamPaths } from "../upstream/services.ts";
import { PostRef } from "./post.ts";
import { UserRef } from "./user.ts";

// `User.insights`: what external services know about a user. Each field calls its own service;
// graphql-js starts sibling fields together, so the whole object costs about the slowest call.
// A failing service makes its field null with an UPSTREAM_* error; the other fields still arrive.

const Reputation = builder.objectRef<{ score: number; rank: number }>("Reputation").implement({
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({ score: t.exposeFloat("score"), rank: t.exposeInt("rank") }),
});
const Location = builder.objectRef<{ country: string; timezone: string }>("Location").implement({
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({
    country: t.exposeString("country", { description: "ISO 3166-1 alpha-2" }),
    timezone: t.exposeString("timezone"),
  }),
});
const Badge = builder.objectRef<{ id: string; name: string }>("Badge").implement({
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({ id: t.exposeString("id"), name: t.exposeString("name") }),
});
const Activity = builder.objectRef<{ commitsLastWeek: number; streakDays: number }>("Activity").implement({
  extensions: { cacheScope: "PUBLIC" },
  fields: (t) => ({ commitsLastWeek: t.exposeInt("commitsLastWeek"), streakDays: t.exposeInt("streakDays") }),
});

const UserInsights = builder.objectRef<{ handle: string }>("UserInsights").implement({
  extensions: { cacheScope: "PUBLIC" },
  description: "Data from external services; each field is null (with an error) when its service fails.",
  fields: (t) => ({
    reputation: t.field({
      complexity: COST.upstream,
      type: Reputation,
      nullable: true,
      resolve: ({ handle }, _args, context) => context.upstreamLoaders.reputation.load(handle),
    }),
    location: t.field({
      complexity: COST.upstream,
      type: Location,
      nullable: true,
      resolve: ({ handle }, _args, context) =>
        context.upstreams.clients.geo.get(upstreamPaths.user(handle), schemas.geo, { signal: context.signal }),
    }),
    badges: t.field({
      complexity: COST.upstream,
      type: [Badge],
      nullable: true,
      resolve: async ({ handle }, _args, context) => {
        const body = await context.upstreams.clients.badges.get(upstreamPaths.user(handle), schemas.badges, {
          signal: context.signal,
        });
        return body?.badges ?? null;
      },
    }),
    activity: t.field({
      complexity: COST.upstream,
      type: Activity,
      nullable: true,
      resolve: ({ handle }, _args, context) =>
        context.upstreams.clients.activity.get(upstreamPaths.user(handle), schemas.activity, {
          signal: context.signal,
        }),
    }),
    recommendedPosts: t.field({
      complexity: COST.upstream,
      type: [PostRef],
      nullable: true,
      description: "Posts the recommender suggests, loaded in one statement; deleted ones are left out.",
      resolve: async ({ handle }, _args, context) => {
        const body = await context.upstreams.clients.recommender.get(upstreamPaths.user(handle), schemas.recommender, {
          signal: context.signal,
        });
        if (!body) return null;
        const posts = await context.loaders.postById.loadMany(body.postIds);
        return posts.filter((post): post is Post => post !== null && !(post instanceof Error));
      },
    }),
  }),
});

builder.prismaObjectFields(UserRef, (t) => ({
  insights: t.field({ type: UserInsights, resolve: (user) => ({ handle: user.handle }) }),
}));
