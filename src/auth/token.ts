import { errors, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";

const ISSUER = "sokudo";
const CANONICAL_ID = /^[1-9][0-9]{0,9}$/;
/** The largest id a PostgreSQL `integer` column holds. */
const MAX_USER_ID = 2_147_483_647;

/** Why a token was refused: what a frontend acts on (refresh the session, or log in again). */
export type TokenRejection = "TOKEN_EXPIRED" | "TOKEN_INVALID";

export type TokenCheck = { userId: number } | { rejected: TokenRejection };

export interface TokenService {
  sign(userId: number): Promise<string>;
  /** The user id of a valid token, or why it is refused. */
  check(token: string): Promise<TokenCheck>;
}

/**
 * Tokens already verified, with their expiry: a client sends the same token with every request, and
 * verifying its signature again (jose's WebCrypto HMAC, a key import and a thread-pool job) was 14%
 * of a like's CPU time. The same bytes under the same secret verify the same way, so only the expiry
 * is checked again. Refused tokens are not kept: they cost whoever sends them.
 */
const MAX_VERIFIED_TOKENS = 10_000;
/** A token longer than this is verified every time rather than kept (ours are about 150 bytes). */
const MAX_KEPT_TOKEN_LENGTH = 512;

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const key = new TextEncoder().encode(secret);
  const verified = new LRUCache<string, { userId: number; expiresAt: number }>({ max: MAX_VERIFIED_TOKENS });
  const check = async (token: string): Promise<TokenCheck> => {
    const known = verified.get(token);
    if (known) {
      // jose's rule: expired once the clock reaches `exp` (no tolerance).
      if (Math.floor(Date.now() / 1000) < known.expiresAt) return { userId: known.userId };
      verified.delete(token);
      return { rejected: "TOKEN_EXPIRED" };
    }
    try {
      // A token without an expiry would be valid forever: refused, as one we never sign.
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        algorithms: ["HS256"],
        requiredClaims: ["exp", "sub"],
      });
      // Only the canonical form we sign: "1.0", " 1" or "01" are not user 1.
      const sub = payload.sub ?? "";
      const id = Number(sub);
      if (!CANONICAL_ID.test(sub) || id > MAX_USER_ID) return { rejected: "TOKEN_INVALID" };
      if (token.length <= MAX_KEPT_TOKEN_LENGTH) verified.set(token, { userId: id, expiresAt: payload.exp as number });
      return { userId: id };
    } catch (error) {
      return { rejected: error instanceof errors.JWTExpired ? "TOKEN_EXPIRED" : "TOKEN_INVALID" };
    }
  };
  return {
    sign(userId) {
      return new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(String(userId))
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    check,
  };
}
