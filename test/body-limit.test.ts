import { request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { type HttpServer, listen } from "../src/http/server.ts";
import { useTestServer } from "./helpers/server.ts";

const server = await useTestServer({ GRAPHQL_MAX_BODY_BYTES: "2000" });
const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());

/** POSTs a body over real HTTP, declaring its length or sending it chunked (no Content-Length). */
function send(body: string, framing: "length" | "chunked"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${http.url}/graphql`);
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(framing === "length" ? { "content-length": Buffer.byteLength(body) } : {}),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on("error", reject);
    if (framing === "chunked") {
      // Several chunks, so the limit is met part way through the stream.
      for (let i = 0; i < body.length; i += 500) outgoing.write(body.slice(i, i + 500));
    } else {
      outgoing.write(body);
    }
    outgoing.end();
  });
}

const small = JSON.stringify({ query: "{ __typename }" });
const large = JSON.stringify({ query: `{ __typename } # ${"x".repeat(5000)}` });

describe("request body limit (GRAPHQL_MAX_BODY_BYTES)", () => {
  for (const framing of ["length", "chunked"] as const) {
    it(`answers a body within the limit (${framing})`, async () => {
      const result = await send(small, framing);
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ data: { __typename: "Query" } });
    });

    it(`rejects a larger body with 413 PAYLOAD_TOO_LARGE (${framing})`, async () => {
      const result = await send(large, framing);
      expect(result.status).toBe(413);
      const body = JSON.parse(result.body) as { errors: { message: string; extensions?: { code?: string } }[] };
      expect(body.errors[0]?.message).toMatch(/too large/i);
    });
  }
});
