import type { JobEvents } from "./tracking.ts";

/**
 * Announced by the comments table's trigger with `{ postId, id }` for each new comment, and by the
 * posts table's with `{ postId }` for a deleted post (prisma/migrations/*_comment_added_notify).
 */
export const COMMENT_ADDED_CHANNEL = "comment_added";

export interface CommentEvents {
  /**
   * Yields each time post `postId` may have new comments, until `signal` aborts: with the comment
   * ids announced since the last yield, none when the post was deleted or the LISTEN connection
   * is back after a gap (what was announced in between was not heard: re-read).
   */
  changes(postId: number, signal: AbortSignal): AsyncGenerator<readonly number[]>;
  /** How many `changes` listen for post `postId` now (a test waits until its subscription does). */
  listeners(postId: number): number;
}

const MAX_PENDING_IDS = 1_000;

type Wake = (commentId: number | null) => void;

/**
 * The process's one fan-out of comment announcements, by post, over the job events' LISTEN
 * connection (whose handlers cannot be removed: one handler here, subscribers come and go below).
 */
export function createCommentEvents(events: Pick<JobEvents, "onNotification" | "onListening">): CommentEvents {
  const subscribers = new Map<number, Set<Wake>>();
  events.onNotification(COMMENT_ADDED_CHANNEL, (payload) => {
    const announced = parseAnnouncement(payload);
    if (!announced) return;
    for (const wake of subscribers.get(announced.postId) ?? []) wake(announced.id);
  });
  events.onListening((listening) => {
    if (!listening) return;
    for (const wakes of subscribers.values()) for (const wake of wakes) wake(null);
  });

  return {
    listeners: (postId) => subscribers.get(postId)?.size ?? 0,
    async *changes(postId, signal) {
      let ids: number[] = [];
      let woken = false;
      let resume: (() => void) | undefined;
      const wake: Wake = (id) => {
        // The ids matter only for a comment that committed after one with a higher id (a reader
        // reads past its last id anyway): past the cap, the rest are left to that read.
        if (id !== null && ids.length < MAX_PENDING_IDS) ids.push(id);
        woken = true;
        resume?.();
      };
      const onAbort = () => resume?.();
      let wakes = subscribers.get(postId);
      if (!wakes) subscribers.set(postId, (wakes = new Set()));
      wakes.add(wake);
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        while (!signal.aborted) {
          if (!woken) await new Promise<void>((resolve) => (resume = resolve));
          resume = undefined;
          if (signal.aborted) return;
          const announced = ids;
          ids = [];
          woken = false;
          yield announced;
        }
      } finally {
        wakes.delete(wake);
        if (wakes.size === 0 && subscribers.get(postId) === wakes) subscribers.delete(postId);
        signal.removeEventListener("abort", onAbort);
      }
    },
  };
}

function parseAnnouncement(payload: string): { postId: number; id: number | null } | undefined {
  try {
    const { postId, id } = JSON.parse(payload) as { postId?: unknown; id?: unknown };
    if (typeof postId !== "number") return undefined;
    return { postId, id: typeof id === "number" ? id : null };
  } catch {
    return undefined;
  }
}
