import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, describe, expect, it } from "vitest";
import { listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { TEST_REDIS_URL } from "./helpers/redis.ts";
import { errorCodes, useTestServer } from "./helpers/server.ts";

// The findings, reproduced: another user's job is reachable on no path, and a denied job
// answers exactly like a job that does not exist (so ids of others' jobs cannot be confirmed).

const outboxDir = await mkdtemp(path.join(tmpdir(), "sokudo-auth-reports-"));
const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL });
const http = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());
const owner = await signUpUser(server, "owner");
const other = await signUpUser(server, "intruder");

const requested = await server.execute<{ requestActivityReport: { job: { id: string } } }, unknown>(
  `mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }`,
  { token: owner.token },
);
const jobId = requested.data?.requestActivityReport.job.id as string;
const missingId = encodeGlobalID("Job", 999_999);

const JOB_FIELDS = `kind status result error attempts`;
const viewers = () => [
  { as: "another user", token: other.token },
  { as: "anonymous", token: null },
];

describe("owner-only jobs", () => {
  it("are readable by their owner on every path", async () => {
    const root = await server.execute(`query($id: ID!) { job(id: $id) { id } }`, {
      token: owner.token,
      variables: { id: jobId },
    });
    expect(root.data).toEqual({ job: { id: jobId } });
    const node = await server.execute(`query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }`, {
      token: owner.token,
      variables: { id: jobId },
    });
    expect(node.data).toEqual({ node: { id: jobId }, nodes: [{ id: jobId }] });
  });

  it("are never served from the response cache, to the owner or anyone else", async () => {
    const queries = [
      [`query($id: ID!) { job(id: $id) { id status } }`, { job: { id: jobId, status: "QUEUED" } }],
      [`{ user(handle: "owner") { jobs(first: 5) { edges { node { id } } } } }`, null],
    ] as const;
    for (const [query, expected] of queries) {
      for (let round = 0; round < 2; round++) {
        const mine = await server.execute(query, { token: owner.token, variables: { id: jobId } });
        expect(mine.errors).toBeUndefined();
        if (expected) expect(mine.data).toEqual(expected);
        expect(mine.headers.get("server-timing")).not.toContain('cache;desc="hit"');
      }
      for (const { token } of viewers()) {
        const theirs = await server.execute(query, { token, variables: { id: jobId } });
        expect(errorCodes(theirs)).toEqual(["NOT_FOUND"]);
        expect(JSON.stringify(theirs.data)).not.toContain(jobId);
      }
    }
  });

  for (const { as, token } of viewers()) {
    it(`are not readable through node() or nodes() by ${as}: null and NOT_FOUND, as for a missing id`, async () => {
      const query = `query($id: ID!) { node(id: $id) { id ... on Job { ${JOB_FIELDS} } } nodes(ids: [$id]) { id } }`;
      const denied = await server.execute(query, { token, variables: { id: jobId } });
      const missing = await server.execute(query, { token, variables: { id: missingId } });
      expect(denied.data).toEqual({ node: null, nodes: [null] });
      expect(missing.data).toEqual({ node: null, nodes: [null] });
      expect(errorCodes(denied)).toEqual(["NOT_FOUND", "NOT_FOUND"]);
      expect(denied.errors?.map((error) => error.message)).toEqual(missing.errors?.map((error) => error.message));
    });

    it(`are not readable through job(id:) by ${as}: null and NOT_FOUND, as for a missing id`, async () => {
      const query = `query($id: ID!) { job(id: $id) { id ${JOB_FIELDS} } }`;
      const denied = await server.execute(query, { token, variables: { id: jobId } });
      const missing = await server.execute(query, { token, variables: { id: missingId } });
      expect(denied.data).toEqual({ job: null });
      expect(errorCodes(denied)).toEqual(["NOT_FOUND"]);
      expect(missing.data).toEqual({ job: null });
      expect(errorCodes(missing)).toEqual(["NOT_FOUND"]);
      expect(denied.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
    });

    it(`are not listed by User.jobs for ${as}`, async () => {
      const result = await server.execute(
        `{ user(handle: "owner") { handle jobs(first: 5) { edges { node { id } } } } }`,
        {
          token,
        },
      );
      expect(result.data).toEqual({ user: { handle: "owner", jobs: null } });
      expect(errorCodes(result)).toEqual(["NOT_FOUND"]);
    });
  }

  it("are not streamed by jobUpdated to another user: NOT_FOUND, as for a missing id", async () => {
    const subscribe = async (id: string) => {
      const response = await server.yoga.fetch("http://sokudo.test/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          authorization: `Bearer ${other.token}`,
        },
        body: JSON.stringify({
          query: `subscription($id: ID!) { jobUpdated(id: $id) { id status } }`,
          variables: { id },
        }),
      });
      const data = (await response.text()).split("\n").find((line) => line.startsWith("data: {"));
      return JSON.parse(data?.slice(6) ?? "{}") as {
        errors?: { message: string; extensions?: Record<string, unknown> }[];
      };
    };
    const denied = await subscribe(jobId);
    const missing = await subscribe(missingId);
    expect(errorCodes(denied)).toEqual(["NOT_FOUND"]);
    expect(errorCodes(missing)).toEqual(["NOT_FOUND"]);
    expect(denied.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
  });

  it("show the worker's progress at once to an owner polling through the response cache", async () => {
    const fresh = await server.execute<{ requestActivityReport: { job: { id: string } } }, unknown>(
      `mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }`,
      { token: owner.token },
    );
    const id = fresh.data?.requestActivityReport.job.id as string;
    const poll = async () =>
      (
        await server.execute<{ job: { status: string; progress: number } }, unknown>(
          `query Poll($id: ID!) { job(id: $id) { status progress } }`,
          { token: owner.token, variables: { id } },
        )
      ).data?.job;
    expect(await poll()).toEqual({ status: "QUEUED", progress: 0 });
    expect(await poll()).toEqual({ status: "QUEUED", progress: 0 });
    await runDueJobs(server.url, { outboxDir });
    expect(await poll()).toEqual({ status: "SUCCEEDED", progress: 100 });
  });

  it("have report files that only the owner can download; others get the 404 of a missing report", async () => {
    await runDueJobs(server.url, { outboxDir });
    const number = Buffer.from(jobId, "base64").toString().split(":")[1];
    const download = (id: string, token: string) =>
      fetch(`${http.url}/reports/${id}.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect((await download(number as string, owner.token)).status).toBe(200);
    const denied = await download(number as string, other.token);
    const missing = await download("999999", other.token);
    expect(denied.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await denied.json()).toEqual(await missing.json());
  });
});
