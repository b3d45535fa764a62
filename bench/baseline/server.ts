// The naive baseline server: same schema, same pool, same Yoga and Server-Timing, N+1 resolvers.
import { createServer } from "node:http";
import { createYoga } from "graphql-yoga";
import { loadConfig } from "../../src/config.ts";
import { createDatabase } from "../../src/data/db.ts";
import { useServerTiming } from "../../src/graphql/server-timing.ts";
import { createBaselineSchema } from "./schema.ts";

const config = loadConfig();
if (!config.databaseUrl) throw new Error("DATABASE_URL is required");
const db = createDatabase(config.databaseUrl, config.pool);
await db.warm();
const yoga = createYoga({ schema: createBaselineSchema(db.prisma), plugins: [useServerTiming()], logging: false });
createServer(yoga).listen(config.port, "127.0.0.1", () => console.log(`baseline ready on ${config.port}`));
process.once("SIGTERM", () => void db.close().then(() => process.exit(0)));
