import { afterAll, describe, expect, it } from "vitest";
import { type HttpServer, listen } from "../src/http/server.ts";
import { signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ RESPONSE_CACHE: "off", GRAPHQL_MAX_BODY_BYTES: "2000" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());

/** What Apollo Client's default HttpLink sends for a subscription (its multipart protocol first). */
const APOLLO_SUBSCRIPTION_ACCEPT =
  "multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/graphql-response+json,application/json;q=0.9";

interface Refusal {
  status: number;
  contentType: string | null;
  headers: Headers;
  errors: { message: string; extensions: { code?: string } }[];
}

async function refusal(path: string, init: RequestInit): Promise<Refusal> {
  const response = await fetch(`${http.url}${path}`, init);
  const text = await response.text();
  const body = (text ? JSON.parse(text) : {}) as { errors?: Refusal["errors"] };
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    headers: response.headers,
    errors: body.errors ?? [],
  };
}

const query = JSON.stringify({ query: "{ __typename }" });

describe("every transport refusal is a GraphQL-over-HTTP error body with a code", () => {
  it("405 METHOD_NOT_ALLOWED with Allow for a method GraphQL does not take, and for a mutation over GET", async () => {
    const put = await refusal("/graphql", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: query,
    });
    expect(put).toMatchObject({ status: 405, errors: [{ extensions: { code: "METHOD_NOT_ALLOWED" } }] });
    expect(put.contentType).toMatch(/json/);
    expect(put.headers.get("allow")).toBe("GET, POST");

    const mutation = encodeURIComponent(
      'mutation { followUser(input: { handle: "nobody" }) { ... on FollowUserPayload { user { handle } } } }',
    );
    const get = await refusal(`/graphql?query=${mutation}`, { headers: { accept: "application/json" } });
    expect(get).toMatchObject({ status: 405, errors: [{ extensions: { code: "METHOD_NOT_ALLOWED" } }] });
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("415 UNSUPPORTED_MEDIA_TYPE naming the types it reads, for a body of another type", async () => {
    const result = await refusal("/graphql", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: query,
    });
    expect(result).toMatchObject({ status: 415, errors: [{ extensions: { code: "UNSUPPORTED_MEDIA_TYPE" } }] });
    expect(result.contentType).toMatch(/json/);
    expect(result.errors[0]?.message).toMatch(/text\/plain.*application\/json/);
  });

  it("406 NOT_ACCEPTABLE naming what can be sent, for an Accept it cannot serve", async () => {
    const result = await refusal("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/html" },
      body: query,
    });
    expect(result).toMatchObject({ status: 406, errors: [{ extensions: { code: "NOT_ACCEPTABLE" } }] });
    expect(result.contentType).toMatch(/json/);
    expect(result.errors[0]?.message).toMatch(/application\/graphql-response\+json or application\/json/);
  });

  it("406 NOT_ACCEPTABLE naming graphql-ws and SSE for Apollo Client's multipart subscription", async () => {
    const owner = await signUpUser(server, "subscriber");
    const job = await server.db.prisma.job.create({
      data: {
        ownerId: Number(Buffer.from(owner.id, "base64").toString().split(":")[1]),
        kind: "report__generate",
        status: "running",
        progress: 5,
      },
    });
    const id = Buffer.from(`Job:${job.id}`).toString("base64");
    const result = await refusal("/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: APOLLO_SUBSCRIPTION_ACCEPT,
        authorization: `Bearer ${owner.token}`,
      },
      body: JSON.stringify({ query: `subscription { jobUpdated(id: "${id}") { status } }` }),
    });
    expect(result).toMatchObject({ status: 406, errors: [{ extensions: { code: "NOT_ACCEPTABLE" } }] });
    expect(result.contentType).toMatch(/json/);
    expect(result.errors[0]?.message).toMatch(/graphql-ws/);
    expect(result.errors[0]?.message).toMatch(/text\/event-stream/);
  });

  it("413 PAYLOAD_TOO_LARGE naming the limit, for a body over GRAPHQL_MAX_BODY_BYTES", async () => {
    const result = await refusal("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ __typename } # ${"x".repeat(5000)}` }),
    });
    expect(result).toMatchObject({
      status: 413,
      errors: [{ extensions: { code: "PAYLOAD_TOO_LARGE", maximum: 2000 } }],
    });
    expect(result.contentType).toMatch(/json/);
    expect(result.errors[0]?.message).toMatch(/2000 bytes/);
  });

  it("leaves other paths to the router: 404, not 415", async () => {
    const result = await fetch(`${http.url}/elsewhere`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: query,
    });
    expect(result.status).toBe(404);
  });
});
