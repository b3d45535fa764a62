import { LRUCache } from "lru-cache";
import { clientError } from "../errors.ts";
import type { TokenRejection, TokenService } from "./token.ts";

const MESSAGES: Record<TokenRejection, string> = {
  TOKEN_EXPIRED: "The token has expired; log in again",
  TOKEN_INVALID: "The token is not valid; log in again",
};

/**
 * UNAUTHENTICATED with `extensions.reason`, answered over HTTP (and SSE) as 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750), so a frontend can tell an
 * expired session from any other failure.
 */
export function tokenRejected(reason: TokenRejection, message = MESSAGES[reason]) {
  return clientError("UNAUTHENTICATED", message, {
    reason,
    http: {
      status: 401,
      headers: { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${message}"` },
    },
  });
}

/** Announced by the users table's trigger with a deleted user's id (prisma/migrations/*_user_deleted_notify). */
export const USER_DELETED_CHANNEL = "user_deleted";

/** The message of a valid token whose user was deleted. */
export const userGone = () => tokenRejected("TOKEN_INVALID", "The user of this token no longer exists; log in again");

export interface Viewers {
  /** The token service to hand to resolvers: a token signed for a user marks it as existing. */
  tokens: TokenService;
  /**
   * The viewer of a request's Authorization header: null without one; a coded UNAUTHENTICATED
   * error for a malformed, bad or expired token, or for a token whose user no longer exists.
   */
  viewerIdFrom(header: string | null): Promise<number | null>;
  /** The user was deleted (USER_DELETED_CHANNEL): their tokens are refused from now on. */
  forget(userId: number): void;
  /**
   * Whether deletions are heard (the LISTEN connection is up). While they are not, no user is
   * remembered: every token's user is looked up. Either change forgets everyone remembered.
   */
  deletionsHeard(heard: boolean): void;
}

const REMEMBER_MS = 60_000;

/**
 * Who is asking: the one answer for the GraphQL context, the response cache and the report
 * downloads. `userExists` is the user type's own check (it throws coded errors for a database
 * outage). Users known to exist are remembered for a minute (and from the moment a token is
 * signed for them), so an authenticated request does not usually pay a statement for the check;
 * a deletion, announced to every instance, forgets its user at once.
 */
export function createViewers(tokens: TokenService, userExists: (userId: number) => Promise<boolean>): Viewers {
  const known = new LRUCache<number, true>({ max: 50_000, ttl: REMEMBER_MS });
  // Deleted ids heard lately: a check that read the user just before the delete committed (and
  // finished after it was heard) must neither pass nor remember them. Ids are never reused.
  const gone = new LRUCache<number, true>({ max: 50_000, ttl: REMEMBER_MS });
  let remembering = true;
  // Counts forgetting: a check that overlapped any (or a gap in hearing) does not remember its answer.
  let forgettings = 0;
  const remember = (userId: number, since: number) => {
    if (remembering && forgettings === since && !gone.has(userId)) known.set(userId, true);
  };
  return {
    tokens: {
      ...tokens,
      async sign(userId: number) {
        remember(userId, forgettings);
        return tokens.sign(userId);
      },
    } satisfies TokenService,
    async viewerIdFrom(header: string | null): Promise<number | null> {
      if (!header) return null;
      const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!token) throw tokenRejected("TOKEN_INVALID", 'The Authorization header must be "Bearer <token>"');
      const result = await tokens.check(token);
      if ("rejected" in result) throw tokenRejected(result.rejected);
      const { userId } = result;
      if (!known.has(userId)) {
        const since = forgettings;
        if (gone.has(userId) || !(await userExists(userId)) || gone.has(userId)) throw userGone();
        remember(userId, since);
      }
      return userId;
    },
    forget(userId) {
      forgettings += 1;
      gone.set(userId, true);
      known.delete(userId);
    },
    deletionsHeard(heard) {
      forgettings += 1;
      remembering = heard;
      known.clear();
    },
  };
}
