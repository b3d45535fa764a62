import net from "node:net";
import pg from "pg";

/**
 * Checks run before a command does any work (migrating, seeding), so that what a newcomer gets
 * wrong first (a busy port, an unreachable database) is reported as one or two plain lines:
 * the cause, then the fix.
 */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Fails when nothing can listen on host:port (another program holds it, or it needs privileges). */
export async function assertPortFree(host: string, port: number): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen({ host, port, exclusive: true }, () => resolve());
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new StartupError(
        `Port ${port} is already in use (another \`npm start\`, or another program).\n` +
          `Stop it, or choose a free port: PORT=${port === 65535 ? port - 1 : port + 1} npm start`,
      );
    }
    if (code === "EACCES") {
      throw new StartupError(
        `Port ${port} needs privileges this user does not have.\nChoose a port above 1023: PORT=4000`,
      );
    }
    if (code === "EADDRNOTAVAIL") {
      throw new StartupError(
        `HOST=${host} is not an address of this machine.\nSet HOST to 0.0.0.0 (every interface) or 127.0.0.1.`,
      );
    }
    throw error;
  } finally {
    await new Promise<void>((resolve) => (probe.listening ? probe.close(() => resolve()) : resolve()));
  }
}

/** Connects once to `url`; a failure becomes a StartupError naming the server and what to change. */
export async function assertDatabaseReachable(url: string, variable = "DATABASE_URL"): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {}); // a failure after connect is the caller's next query's concern
  try {
    await client.connect();
  } catch (error) {
    throw new StartupError(explainDatabaseError(error, url, variable));
  } finally {
    await client.end().catch(() => {});
  }
}

export function explainDatabaseError(error: unknown, url: string, variable = "DATABASE_URL"): string {
  const { code, message } = error as { code?: string; message?: string };
  const target = describeTarget(url);
  const fix = `Start it, or correct ${variable}${variable === "DATABASE_URL" ? " (or unset it: `npm start` then runs its own PostgreSQL)" : ""}.`;
  switch (code) {
    case "ECONNREFUSED":
      return `No PostgreSQL is listening at ${target} (${variable}): connection refused.\n${fix}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `The host of ${variable} (${target}) cannot be resolved.\nCorrect the host name in ${variable}.`;
    case "ETIMEDOUT":
      return `PostgreSQL at ${target} (${variable}) did not answer within 10 s.\nCheck the address and any firewall in between.`;
    case "28P01":
    case "28000":
      return `PostgreSQL at ${target} refused the login: ${message}.\nCorrect the user and password in ${variable}.`;
    case "3D000":
      return `PostgreSQL at ${target} has no such database: ${message}.\nCreate it (createdb), or name an existing one in ${variable}.`;
    default:
      return `Cannot connect to PostgreSQL at ${target} (${variable}): ${message ?? String(error)}.\n${fix}`;
  }
}

/** host:port/database of a connection URL, without its credentials. */
function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || "localhost"}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "the configured address";
  }
}
