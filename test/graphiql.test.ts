import { afterAll, describe, expect, it } from "vitest";
import { renderSokudoGraphiQL, SHARED_AUTHORIZATION_SCRIPT } from "../src/graphql/graphiql.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());

/** The GraphiQL page's fetch, as its script leaves it, with the page's localStorage. */
function pageFetch(storage: Map<string, string>): typeof fetch {
  const page = { fetch: globalThis.fetch };
  const localStorage = {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => void storage.set(key, value),
    removeItem: (key: string) => void storage.delete(key),
  };
  new Function("window", "location", "localStorage", SHARED_AUTHORIZATION_SCRIPT)(
    page,
    new URL(`${http.url}/graphql`),
    localStorage,
  );
  return page.fetch;
}

/** What GraphiQL sends when ▶ runs the RequestAndWatch tab: a GET asking for server-sent events. */
function runRequestAndWatch(send: typeof fetch, signal: AbortSignal) {
  const url = new URL(`${http.url}/graphql`);
  url.searchParams.set("query", "subscription RequestAndWatch($id: ID!) { jobUpdated(id: $id) { id status } }");
  url.searchParams.set("operationName", "RequestAndWatch");
  url.searchParams.set("variables", "{}");
  return send(url.href, { method: "GET", headers: { accept: "text/event-stream" }, signal });
}

async function firstEvent(response: Response): Promise<unknown> {
  if (!response.body) throw new Error("no body");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before an event: ${text}`);
    text += value;
    const data = /event: next\ndata: (.*)\n/.exec(text)?.[1];
    if (data) return JSON.parse(data);
  }
}

describe("GraphiQL's RequestAndWatch tab", () => {
  it("is one of the page's tabs", async () => {
    expect(await renderSokudoGraphiQL()).toContain("subscription RequestAndWatch($id: ID!)");
  });

  it("requests a report for the logged-in viewer and streams that job, with no id to paste", async () => {
    const viewer = await signUpUser(server, "watcher");
    const storage = new Map([["sokudo:authorization", `Bearer ${viewer.token}`]]);
    const abort = new AbortController();
    const response = await runRequestAndWatch(pageFetch(storage), abort.signal);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const event = (await firstEvent(response)) as { data: { jobUpdated: { id: string; status: string } } };
    abort.abort();
    const jobId = Number(Buffer.from(event.data.jobUpdated.id, "base64").toString().split(":")[1]);
    const job = await server.db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { owner: true } });
    expect(job.owner.handle).toBe("watcher");
    expect(event.data.jobUpdated.status).toBe(job.status.toUpperCase());
  });

  it("shows the request's error, with its code, when no one is logged in", async () => {
    const response = await runRequestAndWatch(pageFetch(new Map()), new AbortController().signal);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((error) => error.extensions.code)).toEqual(["UNAUTHENTICATED"]);
  });
});
