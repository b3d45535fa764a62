import * as crypto from "node:crypto";

/**
 * Password hashes in the PHC string format, so each stored hash names its algorithm and
 * parameters and keeps verifying after they change; `isCurrentPasswordHash` tells logIn to
 * replace an older one. Both algorithms run on libuv's thread pool: hashing never blocks the
 * event loop.
 *
 * New hashes: argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane), where Node.js has it
 * (24.7 and newer, what every npm script runs); on an older Node, scrypt at OWASP's N=2^17, r=8, p=1.
 */
type Scheme =
  | { algorithm: "argon2id"; memory: number; passes: number; parallelism: number }
  | { algorithm: "scrypt"; cost: number; blockSize: number; parallelism: number };

interface StoredHash {
  scheme: Scheme;
  salt: Buffer;
  hash: Buffer;
}

const ARGON2_VERSION = 19;
const ARGON2ID: Scheme = { algorithm: "argon2id", memory: 19_456, passes: 2, parallelism: 1 };
const SCRYPT: Scheme = { algorithm: "scrypt", cost: 2 ** 17, blockSize: 8, parallelism: 1 };
const hasArgon2 = typeof crypto.argon2 === "function";
const CURRENT = hasArgon2 ? ARGON2ID : SCRYPT;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

function derive(password: string, salt: Buffer, length: number, scheme: Scheme): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, key: Buffer) => (error ? reject(error) : resolve(key));
    if (scheme.algorithm === "scrypt") {
      const { cost: N, blockSize: r, parallelism: p } = scheme;
      // Node's default maxmem (32 MiB) is below the 128 * N * r bytes scrypt needs at N=2^17.
      crypto.scrypt(password, salt, length, { N, r, p, maxmem: 2 * 128 * N * r }, done);
    } else if (!hasArgon2) {
      reject(new Error("This password hash is argon2id, which needs Node.js 24.7 or newer"));
    } else {
      const { memory, passes, parallelism } = scheme;
      crypto.argon2(
        "argon2id",
        { message: password, nonce: salt, memory, passes, parallelism, tagLength: length },
        done,
      );
    }
  });
}

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");

function format({ scheme, salt, hash }: StoredHash): string {
  const parameters =
    scheme.algorithm === "argon2id"
      ? `v=${ARGON2_VERSION}$m=${scheme.memory},t=${scheme.passes},p=${scheme.parallelism}`
      : `ln=${Math.log2(scheme.cost)},r=${scheme.blockSize},p=${scheme.parallelism}`;
  return `$${scheme.algorithm}$${parameters}$${b64(salt)}$${b64(hash)}`;
}

const ARGON2ID_PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const SCRYPT_PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
/** Hashes stored before the PHC format: scrypt$N$r$p$salt$hash (padded base64). */
const SCRYPT_LEGACY = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

function parse(stored: string): StoredHash | undefined {
  const bytes = (base64: string | undefined) => Buffer.from(base64 ?? "", "base64");
  let match = ARGON2ID_PHC.exec(stored);
  if (match) {
    const [, m, t, p, salt, hash] = match;
    const scheme: Scheme = { algorithm: "argon2id", memory: Number(m), passes: Number(t), parallelism: Number(p) };
    return { scheme, salt: bytes(salt), hash: bytes(hash) };
  }
  match = SCRYPT_PHC.exec(stored) ?? SCRYPT_LEGACY.exec(stored);
  if (match) {
    const [, cost, r, p, salt, hash] = match;
    const N = stored.startsWith("$") ? 2 ** Number(cost) : Number(cost);
    const scheme: Scheme = { algorithm: "scrypt", cost: N, blockSize: Number(r), parallelism: Number(p) };
    return { scheme, salt: bytes(salt), hash: bytes(hash) };
  }
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  return format({ scheme: CURRENT, salt, hash: await derive(password, salt, HASH_BYTES, CURRENT) });
}

/** Compares in constant time; false for a hash in no known format. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.hash.length < 16 || parsed.salt.length < 8) return false;
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed.scheme);
  return crypto.timingSafeEqual(key, parsed.hash);
}

/** Whether `stored` uses today's algorithm and parameters; when not, logIn replaces it. */
export function isCurrentPasswordHash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  const current: Record<string, unknown> = CURRENT;
  return Object.entries(parsed.scheme).every(([name, value]) => current[name] === value);
}
