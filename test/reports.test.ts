import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { getNamedType, isEnumType, isObjectType } from "graphql";
import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createTokenService } from "../src/auth/token.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { renderCsv } from "../src/jobs/report-render.ts";
import { schema } from "../src/schema/index.ts";
import { graphql } from "./gql/index.ts";
import { answered, createPost, signUpUser } from "./helpers/factories.ts";
import { runDueJobs } from "./helpers/jobs.ts";
import { errorCodes, TEST_SECRET, useTestServer } from "./helpers/server.ts";
import { sseEvents } from "./helpers/sse.ts";

const outboxDir = await mkdtemp(path.join(tmpdir(), "sokudo-reports-"));
const server = await useTestServer({ RESPONSE_CACHE: "off" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());
const owner = await signUpUser(server, "reporter");
const stranger = await signUpUser(server, "stranger");
for (let i = 0; i < 5; i++) await createPost(server, owner.token, { title: `report post ${i}` });

const RequestReport = graphql(`
  mutation RequestReport($input: RequestActivityReportInput!) {
    requestActivityReport(input: $input) {
      __typename
      ... on RequestActivityReportPayload {
        job {
          id
          kind
          status
          progress
        }
      }
      ... on InputError {
        issues {
          path
          message
        }
      }
    }
  }
`);
const JobById = graphql(`
  query JobById($id: ID!) {
    job(id: $id) {
      id
      status
      progress
      result
      error
    }
  }
`);
const MyJobs = graphql(`
  query MyJobs($handle: String!) {
    user(handle: $handle) {
      jobs(first: 10) {
        edges {
          node {
            id
            kind
          }
        }
      }
    }
  }
`);

const runWorkerOnce = () => runDueJobs(server.url, { outboxDir });

/** A real SSE client: POSTs the subscription with Accept: text/event-stream and collects `next` payloads. */
async function subscribe(
  query: string,
  token: string,
  onEvent: (data: { data?: unknown; errors?: unknown[] }) => void,
) {
  const controller = new AbortController();
  const response = await fetch(`${http.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const done = (async () => {
    for await (const { event, data } of sseEvents(response)) {
      if (event === "next" && data) onEvent(JSON.parse(data));
      if (event === "complete") return;
    }
  })();
  return { done, close: () => controller.abort() };
}

describe("activity reports", () => {
  it("returns the job at once, queued; the same request id returns the same job", async () => {
    const first = await server.execute(RequestReport, {
      token: owner.token,
      variables: { input: { requestId: "r-1" } },
    });
    expect(answered(first.data?.requestActivityReport, "RequestActivityReportPayload").job).toMatchObject({
      kind: "REPORT_GENERATE",
      status: "QUEUED",
      progress: 0,
    });
    const again = await server.execute(RequestReport, {
      token: owner.token,
      variables: { input: { requestId: "r-1" } },
    });
    expect(answered(again.data?.requestActivityReport, "RequestActivityReportPayload").job.id).toBe(
      answered(first.data?.requestActivityReport, "RequestActivityReportPayload").job.id,
    );
    const other = await server.execute(RequestReport, {
      token: owner.token,
      variables: { input: { requestId: "r-2" } },
    });
    expect(answered(other.data?.requestActivityReport, "RequestActivityReportPayload").job.id).not.toBe(
      answered(first.data?.requestActivityReport, "RequestActivityReportPayload").job.id,
    );
    await runWorkerOnce();
  });

  it("lets only the owner read a job or list their jobs; to anyone else it does not exist", async () => {
    const requested = await server.execute(RequestReport, { token: owner.token, variables: { input: {} } });
    const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
    expect((await server.execute(JobById, { token: owner.token, variables: { id } })).data?.job?.id).toBe(id);
    expect(errorCodes(await server.execute(JobById, { token: stranger.token, variables: { id } }))).toEqual([
      "NOT_FOUND",
    ]);
    expect(errorCodes(await server.execute(JobById, { variables: { id } }))).toEqual(["NOT_FOUND"]);
    const mine = await server.execute(MyJobs, { token: owner.token, variables: { handle: "reporter" } });
    expect(mine.data?.user?.jobs?.edges.map((edge) => edge.node.id)).toContain(id);
    const theirs = await server.execute(MyJobs, { token: stranger.token, variables: { handle: "reporter" } });
    expect(errorCodes(theirs)).toEqual(["NOT_FOUND"]);
    await runWorkerOnce();
  });

  it("streams progress to the owner over SSE until it succeeds, and serves the files to the owner only", async () => {
    const requested = await server.execute(RequestReport, { token: owner.token, variables: { input: {} } });
    const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
    const events: { status: string; progress: number }[] = [];
    const subscription = await subscribe(
      `subscription { jobUpdated(id: "${id}") { status progress result } }`,
      owner.token,
      (event) => events.push((event.data as { jobUpdated: { status: string; progress: number } }).jobUpdated),
    );
    await runWorkerOnce();
    await subscription.done;
    expect(events[0]).toMatchObject({ status: "QUEUED", progress: 0 });
    expect(events.at(-1)).toMatchObject({ status: "SUCCEEDED", progress: 100 });
    const progress = events.map((event) => event.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.some((event) => event.status === "RUNNING")).toBe(true);

    const jobId = Buffer.from(id, "base64").toString().split(":")[1];
    const csv = await fetch(`${http.url}/reports/${jobId}.csv`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text.split("\n")[0]).toBe("section,week_or_title,created_at,posts,comments,likes");
    expect(text).toContain("report post 4");
    const html = await fetch(`${http.url}/reports/${jobId}.html`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(await html.text()).toContain("Activity of Name reporter (@reporter)");
    const forbidden = await fetch(`${http.url}/reports/${jobId}.csv`, {
      headers: { authorization: `Bearer ${stranger.token}` },
    });
    expect(forbidden.status).toBe(404);
    expect((await fetch(`${http.url}/reports/${jobId}.csv`)).status).toBe(401);
  });

  it("downloads post titles that a spreadsheet would run as formulas as quoted text starting with '", async () => {
    const author = await signUpUser(server, "formulas");
    const titles = ['=HYPERLINK("http://x","y")', "@SUM(1)", "-1+1", "+1", "plain, with a comma"];
    for (const title of titles) await createPost(server, author.token, { title });
    const requested = await server.execute(RequestReport, { token: author.token, variables: { input: {} } });
    await runWorkerOnce();
    const jobId = Buffer.from(
      answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id,
      "base64",
    )
      .toString()
      .split(":")[1];
    const csv = await fetch(`${http.url}/reports/${jobId}.csv`, {
      headers: { authorization: `Bearer ${author.token}` },
    });
    const cells = (await csv.text())
      .split("\n")
      .filter((line) => line.startsWith("post,"))
      .map((line) => line.match(/^post,("(?:[^"]|"")*"|[^,]*),[^,]*,(\d+),(\d+),(\d+)$/)?.slice(1));
    expect(cells.map((row) => row?.[0]).sort()).toEqual(
      [`"'=HYPERLINK(""http://x"",""y"")"`, `"'@SUM(1)"`, `"'-1+1"`, `"'+1"`, `"plain, with a comma"`].sort(),
    );
    // The counts we write ourselves stay bare numbers.
    expect(cells.map((row) => row?.slice(1))).toEqual(titles.map(() => ["1", "0", "0"]));
  });

  it("neutralises a cell starting with a tab or a carriage return too", () => {
    const csv = renderCsv({
      handle: "h",
      name: "n",
      generatedAt: "now",
      weeks: [],
      posts: ["\t=1", "\r=1"].map((title) => ({ title, createdAt: "2025-01-01", comments: 0, likes: 0 })),
    });
    expect(csv.split("\n").slice(1, 3)).toEqual([`post,"'\t=1",2025-01-01,1,0,0`, `post,"'\r=1",2025-01-01,1,0,0`]);
  });

  it("shows Job.status and Job.kind as enum values, mapped from the strings the database keeps", async () => {
    const job = schema.getType("Job");
    if (!isObjectType(job)) throw new Error("no Job type");
    const status = getNamedType(job.getFields().status?.type);
    const kind = getNamedType(job.getFields().kind?.type);
    if (!isEnumType(status) || !isEnumType(kind)) throw new Error("Job.status and Job.kind must be enums");
    expect(Object.fromEntries(status.getValues().map(({ name, value }) => [name, value]))).toEqual({
      QUEUED: "queued",
      RUNNING: "running",
      SUCCEEDED: "succeeded",
      FAILED: "failed",
    });
    expect(kind.getValues().map(({ name, value }) => [name, value])).toEqual([["REPORT_GENERATE", "report__generate"]]);

    const requested = await server.execute(RequestReport, { token: owner.token, variables: { input: {} } });
    const answeredJob = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job;
    expect(answeredJob).toMatchObject({ kind: "REPORT_GENERATE", status: "QUEUED" });
    const row = await server.db.prisma.job.findUniqueOrThrow({
      where: { id: Number(Buffer.from(answeredJob.id, "base64").toString().split(":")[1]) },
    });
    expect([row.kind, row.status]).toEqual(["report__generate", "queued"]);
    await runWorkerOnce();
    const done = await server.execute(JobById, { token: owner.token, variables: { id: answeredJob.id } });
    expect(done.data?.job?.status).toBe("SUCCEEDED");
  });

  it("answers a requestId over 200 characters with an InputError at requestId (data, no job)", async () => {
    const before = await server.db.prisma.job.count();
    const result = await server.execute(RequestReport, {
      token: owner.token,
      variables: { input: { requestId: "x".repeat(201) } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.requestActivityReport).toEqual({
      __typename: "InputError",
      issues: [{ path: ["requestId"], message: "must be at most 200 characters" }],
    });
    expect(await server.db.prisma.job.count()).toBe(before);
  });

  it("answers 404 for a report id no job can have (beyond PostgreSQL's integer), never 500", async () => {
    const response = await fetch(`${http.url}/reports/9999999999.csv`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(response.status).toBe(404);
  });

  it("refuses a download with a valid token whose user does not exist, as the API does (one viewer check)", async () => {
    const token = await createTokenService(TEST_SECRET, 3600).sign(2_000_000_000);
    const viewer = await server.execute("{ viewer { id } }", { token });
    expect(viewer.status).toBe(401);
    const download = await fetch(`${http.url}/reports/1.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).toBe(401);
  });

  it("ends a subscription to a job that has already finished after its one event", async () => {
    const requested = await server.execute(RequestReport, { token: owner.token, variables: { input: {} } });
    const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
    await runWorkerOnce();
    const events: { status: string }[] = [];
    const subscription = await subscribe(`subscription { jobUpdated(id: "${id}") { status } }`, owner.token, (event) =>
      events.push((event.data as { jobUpdated: { status: string } }).jobUpdated),
    );
    await subscription.done; // before the fix, the stream stayed open: this waited until the test timed out
    expect(events).toEqual([{ status: "SUCCEEDED" }]);
  });

  it("refuses a subscription to someone else's job", async () => {
    const requested = await server.execute(RequestReport, { token: owner.token, variables: { input: {} } });
    const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
    const events: { errors?: unknown[] }[] = [];
    const subscription = await subscribe(
      `subscription { jobUpdated(id: "${id}") { status } }`,
      stranger.token,
      (event) => events.push(event),
    );
    await subscription.done;
    expect(JSON.stringify(events[0]?.errors)).toContain("NOT_FOUND");
    await runWorkerOnce();
  });

  it("streams progress over WebSocket (graphql-ws) on the same port", async () => {
    const requested = await server.execute(RequestReport, { token: owner.token, variables: { input: {} } });
    const id = answered(requested.data?.requestActivityReport, "RequestActivityReportPayload").job.id;
    const client = createClient({
      url: `${http.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.token}` },
    });
    const events: { status: string; progress: number }[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      client.subscribe<{ jobUpdated: { status: string; progress: number } }>(
        { query: `subscription { jobUpdated(id: "${id}") { status progress } }` },
        {
          next: (result) => {
            if (result.data) events.push(result.data.jobUpdated);
            if (result.data?.jobUpdated.status === "QUEUED" && events.length === 1) void runWorkerOnce();
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    await finished;
    await client.dispose();
    expect(events[0]).toMatchObject({ status: "QUEUED", progress: 0 });
    expect(events.at(-1)).toMatchObject({ status: "SUCCEEDED", progress: 100 });
  });
});
