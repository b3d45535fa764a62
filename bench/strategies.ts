import { createDatabase } from "../src/data/db.ts";
import { loadConfig } from "../src/config.ts";
import { createSql } from "../src/data/sql.ts";
import type { Post } from "../src/data/generated/prisma/client.ts";
import { createLoaders, type PageSpec } from "../src/data/loaders.ts";
import { runWithSqlStats, SqlStats } from "../src/data/sql-stats.ts";
import { PROLIFIC_HANDLE } from "./database.ts";

/** User.posts' page spec, as src/schema/post.ts declares it. */
const POSTS_BY_AUTHOR: PageSpec<Post> = { model: "Post", parentField: "authorId", newestFirst: true };

/**
 * How Prisma loads nested pages, measured in process on the bench database:
 * relationLoadStrategy "query" vs "join" for the nested-list shape, and for 50 parents one of
 * which has 10,000 children; beside the LATERAL loader Sokudo uses. Median of `runs`.
 */
export async function compareStrategies(url: string, runs = 7) {
  const db = createDatabase(url, loadConfig({}).pool);
  const prolific = await db.prisma.user.findUniqueOrThrow({ where: { handle: PROLIFIC_HANDLE } });
  const others = await db.prisma.user.findMany({ take: 49, orderBy: { id: "asc" }, select: { id: true } });
  const parentIds = [prolific.id, ...others.map((u) => u.id)];

  const measure = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    let statements = 0;
    for (let i = 0; i < runs; i++) {
      const stats = new SqlStats();
      const started = performance.now();
      await runWithSqlStats(stats, run);
      times.push(performance.now() - started);
      statements = stats.statements;
    }
    times.sort((a, b) => a - b);
    return { medianMs: Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(1)), statements };
  };

  const nested = (strategy: "join" | "query") => async () => {
    await db.prisma.user.findMany({
      relationLoadStrategy: strategy,
      where: { id: { in: others.map((u) => u.id) } },
      include: {
        posts: {
          take: 11,
          orderBy: { id: "desc" },
          include: { tags: true, comments: { take: 11, orderBy: { id: "asc" }, include: { author: true } } },
        },
      },
    });
  };
  const heavyParent = (strategy: "join" | "query") => async () => {
    await db.prisma.user.findMany({
      relationLoadStrategy: strategy,
      where: { id: { in: parentIds } },
      include: { posts: { take: 11, orderBy: { id: "desc" } } },
    });
  };
  const lateral = async () => {
    await createLoaders(createSql(db.pool, db.prisma), null)
      .page(POSTS_BY_AUTHOR, { limit: 11, afterId: null, beforeId: null, inverted: false })
      .loadMany(parentIds);
  };

  const result = {
    "nested include, 49 users > 11 posts (+tags) > 11 comments (+author)": {
      query: await measure(nested("query")),
      join: await measure(nested("join")),
    },
    "50 users > first 11 posts, one user with 10,000 posts": {
      query: await measure(heavyParent("query")),
      join: await measure(heavyParent("join")),
      lateral: await measure(lateral),
    },
  };
  await db.close();
  return result;
}
