import { DEMO_SIZES, isEmpty, type SeedDistribution, type SeedSizes, seedDatabase } from "../../prisma/seed.ts";
import { ConfigError } from "../config.ts";
import type { Logger } from "../observability/logger.ts";
import { createClient } from "./database.ts";

export { DEMO_SIZES };

export async function seed(
  url: string,
  sizes: SeedSizes,
  options: { onlyIfEmpty: boolean; logger: Logger; distribution?: SeedDistribution },
) {
  const client = createClient(url);
  await client.connect();
  try {
    if (options.onlyIfEmpty && !(await isEmpty(client))) return false;
    if (!options.onlyIfEmpty && !(await isEmpty(client))) {
      throw new Error("The database already has users; seed an empty database (npm run migrate on a new one).");
    }
    const started = Date.now();
    await seedDatabase(client, sizes, progressBar, { distribution: options.distribution });
    process.stderr.write("\n");
    options.logger.info(
      `seeded ${sizes.users} users, ${sizes.posts} posts, ${sizes.comments} comments (${options.distribution ?? "uniform"}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return true;
  } finally {
    await client.end();
  }
}

function progressBar(table: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  process.stderr.write(
    `\r  [${"#".repeat(filled)}${".".repeat(width - filled)}] ${table.padEnd(10)} ${done}/${total}   `,
  );
}

export function seedArgs(args: string[]): { sizes: SeedSizes; distribution: SeedDistribution } {
  const sizes = { ...DEMO_SIZES, users: 1_000, posts: 10_000, comments: 50_000 };
  let distribution: SeedDistribution = "uniform";
  const usage = `seed: expected --users N --posts N --comments N [--skew | --distribution uniform|skewed], got ${JSON.stringify(args.join(" "))}`;
  let i = 0;
  while (i < args.length) {
    const flag = args[i]?.replace(/^--/, "");
    if (flag === "skew") {
      distribution = "skewed";
      i += 1;
      continue;
    }
    const value = args[i + 1];
    if (flag === "distribution") {
      if (value !== "uniform" && value !== "skewed") throw new ConfigError(usage);
      distribution = value;
    } else {
      const count = Number(value);
      if (!flag || !(flag in sizes) || !Number.isInteger(count) || count < 0) throw new ConfigError(usage);
      sizes[flag as keyof SeedSizes] = count;
    }
    i += 2;
  }
  if (sizes.users < 2 && sizes.posts > 0) throw new ConfigError("seed: posts need at least 2 users");
  return { sizes, distribution };
}
