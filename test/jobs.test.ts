import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { enqueueJob } from "../src/jobs/enqueue.ts";
import { USER_SEND_WELCOME_EMAIL } from "../src/jobs/tasks/user__send_welcome_email.ts";
import { SignUp, signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer();
const outboxDir = await mkdtemp(path.join(tmpdir(), "sokudo-outbox-"));

const runTasksOnce = () => runDueJobs(server.url, { outboxDir });

async function queuedJobs(task: string) {
  const { rows } = await server.db.pool.query<{ payload: { email: string }; key: string | null }>(
    // graphile_worker.jobs (the public view) leaves payloads out; the table has them.
    `SELECT j.payload, j.key FROM graphile_worker._private_jobs j
     JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1 ORDER BY j.id`,
    [task],
  );
  return rows;
}

describe("welcome email", () => {
  it("is enqueued in the same transaction as the new user", async () => {
    await signUpUser(server, "welcomed");
    const jobs = await queuedJobs(USER_SEND_WELCOME_EMAIL);
    expect(jobs.map((job) => job.payload.email)).toContain("welcomed@example.test");
  });

  it("is not enqueued when the sign-up fails", async () => {
    const before = (await queuedJobs(USER_SEND_WELCOME_EMAIL)).length;
    const duplicate = await server.execute(SignUp, {
      variables: {
        input: { email: "welcomed@example.test", handle: "other_handle", name: "x", password: "long enough" },
      },
    });
    expect(duplicate.data?.signUp).toMatchObject({ __typename: "ConflictError", field: "email" });
    expect(await queuedJobs(USER_SEND_WELCOME_EMAIL)).toHaveLength(before);
  });

  it("rolls back with the write that caused it, and the write with it", async () => {
    await expect(
      server.db.prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { email: "ghost@example.test", handle: "ghost", name: "G", passwordHash: "x" } });
        await enqueueJob(tx, USER_SEND_WELCOME_EMAIL, { userId: 0, email: "ghost@example.test", name: "G" });
        throw new Error("the request failed after enqueueing");
      }),
    ).rejects.toThrow("after enqueueing");
    expect(await server.db.prisma.user.findUnique({ where: { handle: "ghost" } })).toBeNull();
    expect((await queuedJobs(USER_SEND_WELCOME_EMAIL)).map((job) => job.payload.email)).not.toContain(
      "ghost@example.test",
    );
  });

  it("is written to the outbox as an .eml file by the worker", async () => {
    await runTasksOnce();
    const files = (await readdir(outboxDir)).filter((file) => file.endsWith(".eml"));
    const messages = await Promise.all(files.map((file) => readFile(path.join(outboxDir, file), "utf8")));
    const welcome = messages.find((message) => message.includes("To: welcomed@example.test"));
    expect(welcome).toContain("Subject: Welcome to Sokudo");
    expect(welcome).toContain("Hello Name welcomed");
    expect(await queuedJobs(USER_SEND_WELCOME_EMAIL)).toHaveLength(0);
  });

  it("rejects a stored payload of the wrong shape instead of mailing nobody", async () => {
    await server.db.pool.query(`SELECT graphile_worker.add_job($1, $2::json, max_attempts => 1)`, [
      USER_SEND_WELCOME_EMAIL,
      JSON.stringify({ email: 42 }),
    ]);
    await runTasksOnce();
    const { rows } = await server.db.pool.query<{ last_error: string }>(
      `SELECT last_error FROM graphile_worker.jobs WHERE task_identifier = $1`,
      [USER_SEND_WELCOME_EMAIL],
    );
    expect(rows[0]?.last_error).toMatch(/invalid payload/);
  });
});
