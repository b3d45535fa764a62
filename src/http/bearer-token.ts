import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether an Authorization header carries `Bearer <token>`. Compared as SHA-256 digests: equal
 * lengths for timingSafeEqual, so the time says nothing of the token.
 */
export function bearerTokenMatches(header: string | null | undefined, token: string): boolean {
  const sent = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return sent !== undefined && timingSafeEqual(digest(sent), digest(token));
}
