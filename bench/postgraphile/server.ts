// PostGraphile 5, the benchmark's peer (bench/postgraphile.ts starts it): the amber preset with
// simplified inflection, production mode, one process, a pool of 10 on the benchmark's database.
// Its pool counts the statements it sends; GET /statements returns the running total, so the
// benchmark reads SQL statements per operation the way Sokudo's Server-Timing reports them.
import { createServer } from "node:http";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.DATABASE_URL;
const port = Number(process.env.PORT ?? 4650);
if (!connectionString) throw new Error("DATABASE_URL is required");

let statements = 0;
class CountingClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors pg.Client#query's overloads
  override query(...args: any[]): any {
    statements += 1;
    return (super.query as (...a: unknown[]) => unknown).apply(this, args);
  }
}

const pool = new pg.Pool({
  connectionString,
  max: Number(process.env.DB_POOL_MAX ?? 10),
  Client: CountingClient,
  // The benchmark finds this pool's PostgreSQL backends by name to measure their CPU time.
  application_name: "postgraphile",
});
const pgl = postgraphile({
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  pgServices: [makePgService({ pool, schemas: ["public"] })],
  grafserv: { graphiql: false, watch: false, graphqlOverGET: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const handler = serv.createHandler();
const server = createServer((req, res) => {
  if (req.url === "/statements") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ statements }));
    return;
  }
  handler(req, res);
});
await pgl.getSchema();
server.listen(port, process.env.HOST ?? "127.0.0.1");
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close();
    void pgl.release();
    void pool.end();
  });
}
