import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, describe, expect, it } from "vitest";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { generatePersisted } from "./helpers/differential/generator.ts";
import { startInstances } from "./helpers/differential/instances.ts";
import { createRandom } from "./helpers/differential/random.ts";
import { DifferentialRun } from "./helpers/differential/runner.ts";
import { createSqlTruth } from "./helpers/differential/sql-truth.ts";
import { TAG_NAMES, World } from "./helpers/differential/world.ts";

// Issue 22's differential test. Seeded operation sequences (several operations per document,
// aliases, fragments, variables, trusted documents sent by id; reads and writes by several
// viewers and anonymously) go over POST, GET, SSE and graphql-ws to two instances with the
// response cache on, sharing one Redis. Every read is compared with a reference instance with the
// cache off on the same database; after every write, SQL must hold exactly what the writes said.
// SEED picks the sequence, FUZZ_STEPS its length (FUZZ_SECONDS: run for that long instead); a
// failure prints the seed, the step and the command that replays it.

const SEED = Number(process.env.SEED ?? 22);
const STEPS = Number(process.env.FUZZ_STEPS ?? 2500);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 0);

const random = createRandom(SEED);
const persisted = generatePersisted(random, 10);
const manifestDir = mkdtempSync(path.join(tmpdir(), "sokudo-differential-"));
afterAll(() => rmSync(manifestDir, { recursive: true, force: true }));
const manifestFile = path.join(manifestDir, "persisted-documents.json");
writeFileSync(manifestFile, JSON.stringify(persisted.manifest));

const { cached, reference, databaseUrl } = await startInstances(manifestFile);
const sql = createSqlTruth(databaseUrl);
const world = new World();
for (const handle of ["diff_ann", "diff_ben", "diff_cho", "diff_dev"]) {
  const user = await signUpUser(reference.server, handle);
  const account = {
    id: Number(decodeGlobalID(user.id).id),
    handle,
    email: `${handle}@example.test`,
    password: "correct horse",
    tokens: [user.token],
  };
  world.addAccount(account);
  for (const [index, tag] of TAG_NAMES.slice(0, 2).entries()) {
    const input = { title: `${handle} ${index}`, body: "Seeded.", tags: [tag] };
    const post = await createPost(reference.server, user.token, input);
    world.apply({ kind: "createPost", ...input }, account, post.id);
  }
}

describe("differential", () => {
  it(
    "answers generated sequences on two cached instances as an uncached reference does, and writes what it answers",
    async () => {
      const run = new DifferentialRun({
        random,
        seed: SEED,
        world,
        cached,
        reference,
        sql,
        persisted: persisted.operations,
      });
      // What a request leaves behind (an event listener per operation on a long-lived socket) shows
      // as Node's MaxListenersExceededWarning long before it shows as memory.
      const leaks: string[] = [];
      const onWarning = (warning: Error) => {
        if (warning.name === "MaxListenersExceededWarning") leaks.push(warning.message);
      };
      process.on("warning", onWarning);
      const started = performance.now();
      const more = (step: number) => (SECONDS > 0 ? performance.now() - started < SECONDS * 1000 : step < STEPS);
      try {
        for (let step = 0; more(step); step++) await run.step(step);
      } finally {
        process.off("warning", onWarning);
        // Shown when the test fails, or with TEST_VERBOSE=1 (vitest.config.ts keeps a passing test quiet).
        console.log(`differential: seed=${SEED} ${JSON.stringify(run.figures)}`);
      }
      // A run in which the cache never answered would compare nothing of interest.
      expect(run.figures.cacheHits).toBeGreaterThan(0);
      expect(run.figures.writesChecked).toBeGreaterThan(0);
      expect([...new Set(leaks)].join("\n"), "listeners gathered during the run").toBe("");
    },
    (SECONDS > 0 ? SECONDS + 120 : 240) * 1000,
  );
});
