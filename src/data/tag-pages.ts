import type { PrismaClient } from "./db.ts";

/** The paging part of the query Pothos' prismaConnection builds (cursor on `id`, newest first). */
export interface PostPageQuery {
  cursor?: { id: number };
  skip?: number;
  take?: number;
}

/**
 * Ids of the page of posts with tag `slug`, newest first, exactly as Prisma's `findMany` would page
 * `{ tags: { some: { slug } } }` with the same cursor, skip and take (a negative take pages backwards
 * from the cursor). Read from the partial index (tag, post id DESC) on _PostToTag: `skip + |take|`
 * entries, however many posts the tag has. Prisma's own plan walks every post newest first and
 * looks up its tags: for a rare tag that reads most of the posts.
 */
export async function postIdsWithTag(prisma: PrismaClient, slug: string, page: PostPageQuery): Promise<number[]> {
  const take = page.take ?? 20;
  const backwards = take < 0;
  const rows = await prisma.$queryRawUnsafe<{ id: number }[]>(
    // The tag id as a scalar subquery and the cursor as a bound (not `$2 IS NULL OR ...`): both are
    // index conditions, so the plan reads the index in order from the cursor and stops at the limit.
    `SELECT pt."A" AS id FROM "_PostToTag" pt
     WHERE pt."B" = (SELECT id FROM "tags" WHERE slug = $1) AND pt."A" > 0
       AND pt."A" ${backwards ? ">=" : "<="} COALESCE($2::int, ${backwards ? "0" : "2147483647"})
     ORDER BY pt."A" ${backwards ? "ASC" : "DESC"}
     OFFSET $3::int LIMIT $4::int`,
    slug,
    page.cursor?.id ?? null,
    page.skip ?? 0,
    Math.abs(take),
  );
  return rows.map((row) => row.id);
}
