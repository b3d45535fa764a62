import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";
import { parse } from "pg-connection-string";

// The glue module holds the instance in module state: instantiate once per process.
let wasmGlue: Promise<{ SchemaEngine: typeof SchemaEngine }> | undefined;

async function loadWasm() {
  const glueUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = await import(glueUrl);
  const bytes = await readFile(new URL("schema_engine_bg.wasm", glueUrl));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

/**
 * Prisma's schema engine compiled to WebAssembly (npm: @prisma/schema-engine-wasm), driven
 * through @prisma/adapter-pg: Prisma's own migration SQL generator, with no native binary
 * to download. Its package entry imports the .wasm the way bundlers do, so Node loads it here.
 */
export async function openSchemaEngine(options: {
  connectionString: string;
  datamodel: { path: string; content: string };
  log?: (message: string) => void;
}): Promise<SchemaEngine> {
  wasmGlue ??= loadWasm();
  const glue = await wasmGlue;

  const adapter = bindMigrationAwareSqlAdapterFactory(migrationAdapter(options.connectionString));
  return glue.SchemaEngine.new(
    { datamodels: [[options.datamodel.path, options.datamodel.content]] },
    (message: string) => options.log?.(message),
    adapter,
  ) as Promise<SchemaEngine>;
}

const PG_CHAR = 18;
const PG_TEXT = 25;

/**
 * The engine describes a schema with catalog queries that return PostgreSQL's one-byte
 * "char" type (pg_class.relkind, ...), which adapter-pg 7.10 does not map and rejects.
 * Its values arrive as one-character strings, so reporting the column as text is exact.
 */
class CharAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors pg.Client#query's overloads
  override query(...args: any[]): any {
    const query = super.query as (...a: unknown[]) => unknown;
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: Error | null, result: pg.QueryResult) => last(error, charAsText(result));
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    return result instanceof Promise ? result.then(charAsText) : result;
  }
}

function charAsText(result: pg.QueryResult | undefined): pg.QueryResult | undefined {
  for (const field of result?.fields ?? []) if (field.dataTypeID === PG_CHAR) field.dataTypeID = PG_TEXT;
  return result;
}

/**
 * adapter-pg 7.10's executeScript splits a migration on every ";" and sends the pieces one by one,
 * which breaks a function body between $$ quotes (the counter triggers). PostgreSQL's simple query
 * protocol takes the whole script at once, as `npm run migrate` sends it.
 */
function runsScriptsWhole<Adapter extends { executeScript(script: string): Promise<void> }>(adapter: Adapter): Adapter {
  const internals = adapter as unknown as { client: pg.Pool; onError(error: unknown): never };
  adapter.executeScript = async (script: string) => {
    try {
      await internals.client.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}

/**
 * adapter-pg's own connectToShadowDb drops the shadow database while its pool is still
 * connected (the DROP fails and the database is left behind); this one closes the pool
 * first and drops WITH (FORCE).
 */
function migrationAdapter(connectionString: string): SqlMigrationAwareDriverAdapterFactory {
  const { host, port, user, password, database } = parse(connectionString);
  const config = {
    host: host ?? undefined,
    port: port ? Number(port) : undefined,
    user,
    password,
    Client: CharAsTextClient,
  };
  const main = new PrismaPg({ ...config, database: database ?? undefined });
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    async connectToShadowDb() {
      const admin = await main.connect();
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = runsScriptsWhole(await new PrismaPg({ ...config, database: name }).connect());
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await disposeShadow();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.dispose();
      };
      return shadow;
    },
  };
}
