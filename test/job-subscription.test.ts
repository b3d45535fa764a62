import { createClient } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type HttpServer, listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());
const owner = await signUpUser(server, "finisher");

async function finishedJob(status: "succeeded" | "failed") {
  const job = await server.db.prisma.job.create({
    data: {
      ownerId: Number(Buffer.from(owner.id, "base64").toString().split(":")[1]),
      kind: "report__generate",
      status,
      progress: status === "succeeded" ? 100 : 40,
      error: status === "failed" ? "renderer crashed" : null,
    },
  });
  return Buffer.from(`Job:${job.id}`).toString("base64");
}

/** Every SSE event of one subscription, read until the server ends the stream. */
async function sseEvents(query: string): Promise<string[]> {
  const response = await fetch(`${http.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      authorization: `Bearer ${owner.token}`,
    },
    body: JSON.stringify({ query }),
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const text = await response.text(); // resolves only when the server completes the stream
  return text.split("\n\n").filter((event) => event.startsWith("event:"));
}

describe("jobUpdated for a job that has already finished", () => {
  it.each(["succeeded", "failed"] as const)(
    "sends its final state once and completes over SSE (%s)",
    async (status) => {
      const id = await finishedJob(status);
      const events = await sseEvents(`subscription { jobUpdated(id: "${id}") { status progress error } }`);
      expect(events.map((event) => event.split("\n")[0])).toEqual(["event: next", "event: complete"]);
      expect(
        JSON.parse(
          events[0]
            ?.split("\n")
            .find((line) => line.startsWith("data:"))
            ?.slice(5) ?? "",
        ),
      ).toEqual({
        data: {
          jobUpdated: {
            status: status.toUpperCase(),
            progress: status === "succeeded" ? 100 : 40,
            error: status === "failed" ? "renderer crashed" : null,
          },
        },
      });
    },
  );

  it("sends its final state and completes over WebSocket (graphql-ws)", async () => {
    const id = await finishedJob("succeeded");
    const client = createClient({
      url: `${http.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${owner.token}` },
    });
    const events: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: `subscription { jobUpdated(id: "${id}") { status } }` },
        { next: (result) => events.push(result.data), error: reject, complete: resolve },
      );
    });
    await client.dispose();
    expect(events).toEqual([{ jobUpdated: { status: "SUCCEEDED" } }]);
  });
});
