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

export interface Viewers {
  /** The token service to hand to resolvers: a token signed for a user marks it as existing. */
  tokens: TokenService;
  /**
   * The viewer of a request's Authorization header: null without one; a coded UNAUTHENTICATED
   * error for a malformed, bad or expired token, or for a token whose user no longer exists.
   */
  viewerIdFrom(header: string | null): Promise<number | null>;
}

/**
 * Who is asking: the one answer for the GraphQL context, the response cache and the report
 * downloads. `userExists` is the user type's own check (it throws coded errors for a database
 * outage). Users known to exist are remembered for a minute (and from the moment a token is
 * signed for them), so an authenticated request does not usually pay a statement for the check.
 */
export function createViewers(tokens: TokenService, userExists: (userId: number) => Promise<boolean>): Viewers {
  const known = new LRUCache<number, true>({ max: 50_000, ttl: 60_000 });
  return {
    tokens: {
      ...tokens,
      async sign(userId: number) {
        known.set(userId, true);
        return tokens.sign(userId);
      },
    } satisfies TokenService,
    async viewerIdFrom(header: string | null): Promise<number | null> {
      if (!header) return null;
      const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!token) throw tokenRejected("TOKEN_INVALID", 'The Authorization header must be "Bearer <token>"');
      const result = await tokens.check(token);
      if ("rejected" in result) throw tokenRejected(result.rejected);
      if (!known.has(result.userId)) {
        if (!(await userExists(result.userId)))
          throw tokenRejected("TOKEN_INVALID", "The user of this token no longer exists; log in again");
        known.set(result.userId, true);
      }
      return result.userId;
    },
  };
}
