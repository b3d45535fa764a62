import { errors, jwtVerify, SignJWT } from "jose";

const ISSUER = "sokudo";

/** Why a token was refused: what a frontend acts on (refresh the session, or log in again). */
export type TokenRejection = "TOKEN_EXPIRED" | "TOKEN_INVALID";

export type TokenCheck = { userId: number } | { rejected: TokenRejection };

export interface TokenService {
  sign(userId: number): Promise<string>;
  /** The user id of a valid token, or null for a bad, expired or foreign one. */
  verify(token: string): Promise<number | null>;
  /** The user id of a valid token, or why it is refused. */
  check(token: string): Promise<TokenCheck>;
}

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const key = new TextEncoder().encode(secret);
  const check = async (token: string): Promise<TokenCheck> => {
    try {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ["HS256"] });
      const id = Number(payload.sub);
      return Number.isSafeInteger(id) && id > 0 ? { userId: id } : { rejected: "TOKEN_INVALID" };
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
    async verify(token) {
      const result = await check(token);
      return "userId" in result ? result.userId : null;
    },
    check,
  };
}
