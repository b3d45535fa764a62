import { AsyncLocalStorage } from "node:async_hooks";
import { Prisma } from "./generated/prisma/client.ts";
import { getDatamodel } from "./generated/pothos-prisma-types.ts";

/**
 * What each write through Prisma changed, derived from the data model, so that no resolver lists
 * its invalidations by hand. A Prisma client extension (`recordWrites`, on the one client of
 * db.ts) adds the changes of every create/update/upsert/delete(Many) to the write log of the
 * operation in progress (`collectWrites`); the response cache invalidates them before answering.
 *
 * From a write to model M (row r) the log derives:
 * - the entity `M:r.id` (its cached answers);
 * - for a created or deleted row, every root list of M (`listOf`);
 * - each parent whose foreign key r holds (`User:r.authorId`): its lists and counts of M changed;
 * - for a deleted row, every type whose rows cascade with it or that shares a many-to-many table;
 * - for nested relation writes (connect, connectOrCreate, set, ...), the related type and its lists.
 * A raw SQL write through Prisma (`$executeRaw`, or an INSERT/UPDATE/DELETE through `$queryRaw`)
 * cannot be described from the data model: it changes `everything` cached. (The worker's raw
 * writes go through its own pool and touch only jobs, which are never cached: schema/jobs.ts.)
 */
export type Change =
  /** An entity (`id`: database id), or with no id every response holding an entity of the type. */
  | { typename: string; id?: number }
  /** Every root field listing the type: a new or deleted row changes their pages. */
  | { listOf: string }
  /** Every cached response: a write the data model cannot describe (raw SQL). */
  | { everything: true };

const writes = new AsyncLocalStorage<Change[]>();

/** Runs `operation`, returning what its writes through Prisma changed. */
export async function collectWrites<T>(operation: () => Promise<T>): Promise<{ result: T; changes: Change[] }> {
  const changes: Change[] = [];
  // Awaited inside the run: Prisma's queries are lazy thenables that start when awaited.
  const result = await writes.run(changes, async () => await operation());
  return { result, changes: dedupe(changes) };
}

interface ModelField {
  name: string;
  kind: string;
  type: string;
  isList: boolean;
  isId: boolean;
  relationFromFields?: string[];
}

const models = getDatamodel().datamodel.models as unknown as Record<string, { fields: ModelField[] }>;

interface ModelFacts {
  hasId: boolean;
  /** Relations whose foreign key this model holds: parent type and key field. */
  parents: { model: string; foreignKey: string }[];
  relations: Map<string, ModelField>;
  /** Types whose rows go with a deleted row: children holding a key to it, many-to-many partners. */
  dependents: string[];
}

const facts = new Map<string, ModelFacts>(
  Object.entries(models).map(([name, model]) => {
    const relations = model.fields.filter((field) => field.kind === "object");
    return [
      name,
      {
        hasId: model.fields.some((field) => field.isId && field.name === "id"),
        parents: relations
          .filter((field) => field.relationFromFields?.length === 1)
          .map((field) => ({ model: field.type, foreignKey: field.relationFromFields?.[0] as string })),
        relations: new Map(relations.map((field) => [field.name, field])),
        dependents: relations
          .filter((field) => field.isList)
          .map((field) => field.type)
          .filter((type, index, all) => all.indexOf(type) === index),
      },
    ];
  }),
);

const WRITES = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);
const ADDS_OR_REMOVES = /^(create|upsert|delete)/;
const NESTED_ADDS = new Set(["create", "createMany", "connectOrCreate", "upsert"]);

type Row = Record<string, unknown>;

// A statement that writes: INSERT/UPDATE/DELETE/MERGE/TRUNCATE, or a WITH holding one.
const RAW_WRITE = /^\s*(?:with\b[\s\S]*\b(?:insert|update|delete|merge)\b|insert|update|delete|merge|truncate)\b/i;

export const recordWrites = Prisma.defineExtension({
  name: "record-writes",
  query: {
    async $allOperations({ model, operation, args, query }) {
      const log = writes.getStore();
      if (!log) return query(args);
      if (!model) {
        const result = await query(args);
        if (operation.startsWith("$executeRaw") || RAW_WRITE.test(rawSql(args))) log.push({ everything: true });
        return result;
      }
      const model_ = facts.get(model);
      if (!model_ || !WRITES.has(operation)) return query(args);
      const result = await query(withKeys(model_, args as Row));
      log.push(...changesOf(model, model_, operation, args as Row, result));
      return result;
    },
  },
});

/** The statement of a raw query: `$queryRaw` passes its template's strings, `$queryRawUnsafe` the text. */
function rawSql(args: unknown): string {
  if (Array.isArray(args)) return typeof args[0] === "string" ? args[0] : "";
  const strings = (args as { strings?: unknown } | null)?.strings;
  return Array.isArray(strings) ? strings.join("?") : "";
}

/** A `select` that leaves out the id or a foreign key would hide what changed: ask for them too. */
function withKeys(model: ModelFacts, args: Row): Row {
  const select = args.select as Row | undefined;
  if (!select) return args;
  const keys = [...(model.hasId ? ["id"] : []), ...model.parents.map((parent) => parent.foreignKey)];
  return { ...args, select: { ...select, ...Object.fromEntries(keys.map((key) => [key, true])) } };
}

function changesOf(name: string, model: ModelFacts, operation: string, args: Row, result: unknown): Change[] {
  if (isCount(result) && result.count === 0) return [];
  const rows: Row[] = Array.isArray(result) ? result : isRow(result) && !isCount(result) ? [result] : [];
  const data = (Array.isArray(args.data) ? args.data : [args.data ?? args.create ?? {}]) as Row[];
  const where = (args.where ?? {}) as Row;
  const changes: Change[] = [];

  const ids = rows.map((row) => row.id).filter(isId);
  if (ids.length === 0 && isId(where.id)) ids.push(where.id);
  if (ids.length > 0) changes.push(...ids.map((id) => ({ typename: name, id })));
  else changes.push({ typename: name });

  const addsOrRemoves = ADDS_OR_REMOVES.test(operation);
  if (addsOrRemoves) changes.push({ listOf: name });

  for (const parent of model.parents) {
    const keys = [...rows, ...data, where].map((source) => source[parent.foreignKey]).filter(isId);
    const keyChanged = addsOrRemoves || data.some((source) => parent.foreignKey in source);
    if (keys.length > 0 && keyChanged) changes.push(...keys.map((id) => ({ typename: parent.model, id })));
    else if (keyChanged) changes.push({ typename: parent.model });
  }

  if (operation.startsWith("delete")) {
    for (const dependent of model.dependents) changes.push({ typename: dependent });
  }

  for (const source of [...data, ...(isRow(args.update) ? [args.update] : [])]) {
    for (const [field, value] of Object.entries(source)) {
      const relation = model.relations.get(field);
      if (!relation || !isRow(value)) continue;
      const connected = (value.connect as Row | undefined)?.id;
      changes.push(isId(connected) ? { typename: relation.type, id: connected } : { typename: relation.type });
      if (Object.keys(value).some((op) => NESTED_ADDS.has(op))) changes.push({ listOf: relation.type });
      // Lists of this type may be filtered by the relation (posts(tag:)).
      changes.push({ listOf: name });
    }
  }
  return changes;
}

const isRow = (value: unknown): value is Row => typeof value === "object" && value !== null;
const isCount = (value: unknown): value is { count: number } =>
  isRow(value) && Object.keys(value).length === 1 && typeof value.count === "number";
const isId = (value: unknown): value is number => typeof value === "number" && Number.isSafeInteger(value);

function dedupe(changes: Change[]): Change[] {
  const seen = new Map<string, Change>();
  for (const change of changes) {
    const key =
      "everything" in change
        ? "everything"
        : "listOf" in change
          ? `list:${change.listOf}`
          : `${change.typename}:${change.id ?? "*"}`;
    seen.set(key, change);
  }
  return [...seen.values()];
}
