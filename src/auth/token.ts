import { errors, jwtVerify, SignJWT } from "jose";

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

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const key = new TextEncoder().encode(secret);
  const check = async (token: string): Promise<TokenCheck> => {
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
      return CANONICAL_ID.test(sub) && id <= MAX_USER_ID ? { userId: id } : { rejected: "TOKEN_INVALID" };
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
