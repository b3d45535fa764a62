import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, describe, expect, it } from "vitest";
import { type HttpServer, listen } from "../src/http/server.ts";
import { openReportFile, storeReportFiles } from "../src/jobs/report-files.ts";
import { JOBS_CLEANUP } from "../src/jobs/tasks/jobs__cleanup.ts";
import { graphql } from "./gql/index.ts";
import { answered, createPost, signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { useTestServer } from "./helpers/server.ts";

// Two API instances and a worker on one database, sharing nothing else (as on three machines):
// a report the worker made downloads from either instance.

const a = await useTestServer({ RESPONSE_CACHE: "off" });
const b = await useTestServer({ RESPONSE_CACHE: "off" }, a.url);
const httpA: HttpServer = await listen(a.yoga, "127.0.0.1", 0);
const httpB: HttpServer = await listen(b.yoga, "127.0.0.1", 0);
afterAll(() => Promise.all([httpA.close(), httpB.close()]));
const outboxDir = await mkdtemp(path.join(tmpdir(), "sokudo-report-instances-"));
const runWorker = () => runDueJobs(a.url, { outboxDir });

const owner = await signUpUser(a, "shared_reporter");
const stranger = await signUpUser(b, "shared_stranger");
for (let i = 0; i < 3; i++) await createPost(a, owner.token, { title: `shared post ${i}` });

const RequestReport = graphql(`
  mutation RequestSharedReport($input: RequestActivityReportInput!) {
    requestActivityReport(input: $input) {
      __typename
      ... on RequestActivityReportPayload {
        job {
          id
        }
      }
    }
  }
`);
const JobStatus = graphql(`
  query SharedReportStatus($id: ID!) {
    job(id: $id) {
      status
    }
  }
`);

/** Requests a report through instance A, runs the worker, and returns the job's number. */
async function makeReport(token: string): Promise<number> {
  const requested = await a.execute(RequestReport, { token, variables: { input: {} } });
  const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
  await runWorker();
  expect((await b.execute(JobStatus, { token, variables: { id } })).data?.job?.status).toBe("SUCCEEDED");
  return Number(decodeGlobalID(id).id);
}

const download = (http: HttpServer, jobId: number, format: string, token: string, headers: HeadersInit = {}) =>
  fetch(`${http.url}/reports/${jobId}.${format}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

const storedFiles = async (jobId: number) =>
  (await a.db.pool.query(`SELECT format FROM report_files WHERE job_id = $1 ORDER BY format`, [jobId])).rows;

describe("reports across instances", () => {
  it("downloads a report the worker made from both API instances to its owner, byte-identical, with its length and ETag; 404 to a stranger", async () => {
    const jobId = await makeReport(owner.token);
    for (const format of ["csv", "html"]) {
      const [fromA, fromB] = await Promise.all([
        download(httpA, jobId, format, owner.token),
        download(httpB, jobId, format, owner.token),
      ]);
      expect([fromA.status, fromB.status]).toEqual([200, 200]);
      const bytesA = Buffer.from(await fromA.arrayBuffer());
      const bytesB = Buffer.from(await fromB.arrayBuffer());
      expect(bytesA.length).toBeGreaterThan(0);
      expect(bytesB.equals(bytesA)).toBe(true);
      expect(fromB.headers.get("content-length")).toBe(String(bytesA.length));
      expect(fromB.headers.get("content-disposition")).toBe(`attachment; filename="activity-${jobId}.${format}"`);
      const etag = fromA.headers.get("etag");
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(fromB.headers.get("etag")).toBe(etag);
      // A client holding this version revalidates without the body.
      const again = await download(httpB, jobId, format, owner.token, { "if-none-match": etag ?? "" });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
    }
    expect(await (await download(httpB, jobId, "csv", owner.token)).text()).toContain("shared post 2");
    for (const http of [httpA, httpB]) expect((await download(http, jobId, "csv", stranger.token)).status).toBe(404);
  });

  it("streams a file larger than one read slice whole (over 512 KB of HTML)", async () => {
    const author = await signUpUser(a, "prolific_reporter");
    await a.db.pool.query(
      `INSERT INTO posts (author_id, title, body, updated_at)
       SELECT $1, 'post ' || n || ' ' || repeat('&', 150), 'body', now() FROM generate_series(1, 800) AS n`,
      [Number(decodeGlobalID(author.id).id)],
    );
    const jobId = await makeReport(author.token);
    const stored = await a.db.pool.query<{ content: Buffer }>(
      `SELECT content FROM report_files WHERE job_id = $1 AND format = 'html'`,
      [jobId],
    );
    const expected = stored.rows[0]?.content as Buffer;
    expect(expected.length).toBeGreaterThan(512 * 1024); // more than two slices
    const response = await download(httpB, jobId, "html", author.token);
    expect(response.headers.get("content-length")).toBe(String(expected.length));
    expect(Buffer.from(await response.arrayBuffer()).equals(expected)).toBe(true);
  });

  it("ends a read with an error when the file is replaced midway, never splicing two versions", async () => {
    const jobId = await makeReport(owner.token);
    const large = (fill: string) => ({ csv: fill.repeat(600_000), html: fill.repeat(600_000) });
    await storeReportFiles(a.db.pool, jobId, large("a"));
    const file = await openReportFile(b.db.pool, jobId, "csv");
    if (!(file?.body instanceof ReadableStream)) throw new Error("expected a file read in slices");
    const reader = file.body.getReader();
    expect((await reader.read()).value?.every((byte) => byte === "a".charCodeAt(0))).toBe(true);
    await storeReportFiles(a.db.pool, jobId, large("b"));
    await expect(reader.read()).rejects.toThrow(/changed or vanished while it was read/);
  });

  it("deletes a report's files with its job in the cleanup task: gone from both instances", async () => {
    const jobId = await makeReport(owner.token);
    expect(await storedFiles(jobId)).toEqual([{ format: "csv" }, { format: "html" }]);
    await a.db.pool.query(`UPDATE jobs SET updated_at = now() - interval '8 days' WHERE id = $1`, [jobId]);
    await a.db.pool.query(`SELECT graphile_worker.add_job($1, '{}'::json)`, [JOBS_CLEANUP]);
    await runWorker();
    expect(await storedFiles(jobId)).toEqual([]);
    for (const http of [httpA, httpB]) expect((await download(http, jobId, "csv", owner.token)).status).toBe(404);
  });
});
