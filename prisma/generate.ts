// `prisma generate` without internet. Prisma 7's CLI fetches a native schema engine before
// any command unless PRISMA_SCHEMA_ENGINE_BINARY names an executable; `generate` never runs
// that engine (the client and the Pothos types are generated in JS), so any executable does.
// Migrations do NOT go through the CLI here: see src/migrate and README "Migrations".
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [prismaCli, "generate", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
