import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { explainStartFailure, inUseMessage, NPM_START_RUNNER } from "../src/embedded/postgres.ts";
import { TEST_EMBEDDED_POSTGRES } from "./helpers/global-setup.ts";

const holder = { pid: 4242, port: 54329 };

describe("the test suite's embedded PostgreSQL beside `npm start`", () => {
  it("uses a port that neither `npm start` nor the second copies its message suggests would take", () => {
    const startPort = loadConfig({}).embeddedPostgres.port;
    const suggested = inUseMessage(NPM_START_RUNNER, {
      configuredDir: ".data/postgres",
      dataDir: "/app/.data/postgres",
      port: startPort,
      holder,
    });
    expect(suggested).toContain(
      `EMBEDDED_PG_DIR=.data/postgres-2 EMBEDDED_PG_PORT=${startPort + 1} PORT=4001 npm start`,
    );
    // Ten copies of `npm start`, each on the port the previous one's message suggested.
    const startPorts = Array.from({ length: 10 }, (_, i) => startPort + i);
    expect(startPorts).not.toContain(TEST_EMBEDDED_POSTGRES.port);
  });

  it("names the variables the test suite reads, not npm start's, in its messages", () => {
    const { runner } = TEST_EMBEDDED_POSTGRES;
    const inUse = inUseMessage(runner, {
      configuredDir: ".data/test-postgres",
      dataDir: "/app/.data/test-postgres",
      port: TEST_EMBEDDED_POSTGRES.port,
      holder,
    });
    expect(inUse).toContain("another `npm test` (pid 4242, port 54329)");
    expect(inUse).toContain(
      `TEST_EMBEDDED_PG_DIR=.data/test-postgres-2 TEST_EMBEDDED_PG_PORT=${TEST_EMBEDDED_POSTGRES.port + 1} npm test`,
    );
    const portTaken = explainStartFailure('LOG:  could not bind IPv4 address "127.0.0.1": Address already in use', {
      dataDir: "/app/.data/test-postgres",
      port: TEST_EMBEDDED_POSTGRES.port,
      code: 1,
      signal: null,
      runner,
    });
    expect(portTaken).toContain(
      `Port ${TEST_EMBEDDED_POSTGRES.port} is in use: set TEST_EMBEDDED_PG_PORT to a free port.`,
    );
    expect(`${inUse}\n${portTaken}`).not.toMatch(/(?<!TEST_)EMBEDDED_PG_/);
  });
});
