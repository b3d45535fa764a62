import { describe, expect, it } from "vitest";
import { startServerProcess } from "./helpers/server-process.ts";

// The memory attack from issue 13, over real HTTP against `serve` in production mode with the
// Redis response cache on: documents nested 1,000 deep with 40,000 leaf fields (~86 KB each),
// every one distinct so no memo can answer for another. The server's old space is capped at
// 192 MB: anything that kept what it was sent would run out of heap and exit.

const HEAP_MB = 192;
const server = await startServerProcess({}, [`--max-old-space-size=${HEAP_MB}`]);

function attackDocument(index: number): string {
  const depth = 1_000;
  return `query Attack${index} { ${"a { ".repeat(depth)}${"b ".repeat(40_000)}${"} ".repeat(depth)}}`;
}

async function post(query: string) {
  const response = await fetch(`${server.base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] } };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

describe("limits before work", () => {
  it("refuses 900 distinct deep, wide documents, each at once, with bounded memory and CPU", async () => {
    expect(attackDocument(0).length).toBeGreaterThan(83_000);
    // Warm the process up (JIT, pools) so the baseline is not its start-up.
    for (let index = 0; index < 10; index++) await post(attackDocument(1_000_000 + index));
    const rounds = 3;
    const perRound = 300;
    const peaks = [server.memory().peak];
    const cpuBefore = server.cpuMs();
    const codes = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (let start = 0; start < perRound; start += 10) {
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, offset) => post(attackDocument(round * perRound + start + offset))),
        );
        for (const { status, body } of answers) {
          const key = `${status} ${body.errors?.[0]?.extensions?.code}`;
          codes.set(key, (codes.get(key) ?? 0) + 1);
        }
      }
      peaks.push(server.memory().peak);
    }
    const cpuPerDocument = (server.cpuMs() - cpuBefore) / (rounds * perRound);
    console.log(
      `attack: ${rounds * perRound} documents, peak RSS after each round of ${perRound}: ` +
        `${peaks.map(mb).join(" -> ")} MB, ${cpuPerDocument.toFixed(2)} ms CPU per document`,
    );
    expect(Object.fromEntries(codes)).toEqual({ "400 TOKEN_LIMIT_EXCEEDED": rounds * perRound });
    expect(server.exited()).toBe(false);
    // The bound: the first round may grow the heap to its working size (garbage not yet
    // collected); the last round, 26 MB of new documents, adds less than 96 MB to the peak (how much
    // garbage a busy machine lets pile up before a collection varies: 39 MB seen). Parsing and
    // remembering those documents would add about 100 bytes of syntax tree per character: 2.6 GB.
    const [first, , beforeLast, last] = peaks as [number, number, number, number];
    expect(last - beforeLast).toBeLessThan(96 * 1024 * 1024);
    expect(last - first).toBeLessThan(256 * 1024 * 1024);
    // Refused within the lexer's first 2,000 tokens: a few ms of CPU, not a print of 80 MB.
    expect(cpuPerDocument).toBeLessThan(25);
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
  }, 120_000);

  it("names each limit with its own code, as HTTP 400 without a stack", async () => {
    const deep = await post(`{ ${"viewer { ".repeat(13)}id${" }".repeat(13)} }`);
    expect([deep.status, deep.body.errors?.[0]?.extensions?.code]).toEqual([400, "DEPTH_LIMIT_EXCEEDED"]);
    const aliases = await post(`{ ${Array.from({ length: 31 }, (_, i) => `t${i}: tags { name }`).join(" ")} }`);
    expect([aliases.status, aliases.body.errors?.[0]?.extensions?.code]).toEqual([400, "ALIAS_LIMIT_EXCEEDED"]);
    const directives = await post(`{ tags { name ${"@include(if: true) ".repeat(51)} } }`);
    expect([directives.status, directives.body.errors?.[0]?.extensions?.code]).toEqual([
      400,
      "DIRECTIVE_LIMIT_EXCEEDED",
    ]);
    const broken = await post("{ tags { name ");
    expect([broken.status, broken.body.errors?.[0]?.extensions?.code]).toEqual([400, "GRAPHQL_PARSE_FAILED"]);
    for (const answer of [deep, aliases, directives, broken]) expect(answer.text).not.toMatch(/\bat .+\.[jt]s:\d+/);
    const fine = await post("{ tags { name } }");
    expect(fine.status).toBe(200);
    expect(fine.body.errors).toBeUndefined();
  });
});
