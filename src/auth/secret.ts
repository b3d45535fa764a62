import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * The embedded default for AUTH_SECRET: generated once and kept beside the embedded
 * database, so tokens survive restarts. Production sets AUTH_SECRET instead.
 */
export async function loadOrCreateSecret(file: string): Promise<{ secret: string; created: boolean }> {
  if (existsSync(file)) return { secret: (await readFile(file, "utf8")).trim(), created: false };
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return { secret, created: true };
}
