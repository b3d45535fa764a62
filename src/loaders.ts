import DataLoader from "dataloader";
import type { PrismaClient } from "./db.ts";

/**
 * Per-request DataLoaders for what Prisma cannot fold into the parent query:
 * viewer-dependent fields. Built once per request, so one request's cache never serves another.
 */
export interface Loaders {
  /** Post id -> whether the viewer likes it (false for anonymous requests, with no SQL). */
  viewerLikes: DataLoader<number, boolean>;
}

export function createLoaders(prisma: PrismaClient, viewerId: number | null): Loaders {
  return {
    viewerLikes: new DataLoader(async (postIds) => {
      if (viewerId === null) return postIds.map(() => false);
      const likes = await prisma.like.findMany({
        where: { userId: viewerId, postId: { in: [...postIds] } },
        select: { postId: true },
      });
      const liked = new Set(likes.map((like) => like.postId));
      return postIds.map((id) => liked.has(id));
    }),
  };
}
