import { AsyncLocalStorage } from "node:async_hooks";
import { Prisma } from "./generated/prisma/client.ts";
import { getDatamodel } from "./generated/pothos-prisma-types.ts";

/**
 * What each write through Prisma changed, derived from the data model, so that no resolver lists
 * its invalidations by hand. A Prisma client extension (`recordWrites`, on the one client of
 * db.ts) adds the changes of every create/update/upsert/delete(Many) to the write log of the
 * operation in progress (`collectWrites`); the response cache invalidates them before answering,
 * and the mutation receipt (graphql/receipts.ts) tells the client. Collections nest: a write is
 * recorded in every `collectWrites` it runs inside, so each observer sees all of it.
 *
 * From a write to model M (row r) the log derives:
 * - the entity `M:r.id` (its cached answers);
 * - for a created or deleted row, every root list of M (`listOf`);
 * - each parent whose foreign key r holds (`User:r.authorId`): its lists and counts of M changed
 *   (`lists` names the parent's relation field holding r, e.g. `posts`, when r joined or left it);
 * - for a deleted row, every type whose rows cascade with it or that shares a many-to-many table;
 * - for nested relation writes (connect, connectOrCreate, set, ...), the related type and its lists.
 * A raw SQL write through Prisma (`$executeRaw`, or an INSERT/UPDATE/DELETE through `$queryRaw`)
 * cannot be described from the data model: it changes `everything` cached. (The worker's raw
 * writes go through its own pool and touch only jobs, which are never cached: schema/jobs.ts.)
 */
export type Change =
  /**
   * An entity (`id`: database id), or with no id every response holding an entity of the type.
   * `deleted`: the row is gone. `lists`: relation fields of the entity (data-model names) whose
   * rows were added or removed.
   */
  | { typename: string; id?: number; deleted?: true; lists?: string[] }
  /** Every root field listing the type: a new or deleted row changes their pages. */
  | { listOf: string }
  /** Every cached response: a write the data model cannot describe (raw SQL). */
  | { everything: true };

/** The logs of every `collectWrites` the current write runs inside, outermost first. */
const writes = new AsyncLocalStorage<Change[][]>();

/** Runs `operation`, returning what its writes through Prisma changed (nested collections each see them). */
export async function collectWrites<T>(operation: () => Promise<T>): Promise<{ result: T; changes: Change[] }> {
  const changes: Change[] = [];
  const logs = [...(writes.getStore() ?? []), changes];
  // Awaited inside the run: Prisma's queries are lazy thenables that start when awaited.
  const result = await writes.run(logs, async () => await operation());
  return { result, changes: dedupe(changes) };
}

interface ModelField {
  name: string;
  kind: string;
  type: string;
  isList: boolean;
  isId: boolean;
  relationName?: string;
  relationFromFields?: string[];
}

const models = getDatamodel().datamodel.models as unknown as Record<string, { fields: ModelField[] }>;

interface ModelFacts {
  hasId: boolean;
  /** Relations whose foreign key this model holds: parent type, key field, and the parent's field listing this model. */
  parents: { model: string; foreignKey: string; list: string | undefined }[];
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
          .map((field) => ({
            model: field.type,
            foreignKey: field.relationFromFields?.[0] as string,
            list: models[field.type]?.fields.find(
              (inverse) => inverse.relationName === field.relationName && inverse.type === name && inverse.isList,
            )?.name,
          })),
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
      const logs = writes.getStore();
      if (!logs) return query(args);
      const record = (changes: Change[]) => logs.forEach((log) => log.push(...changes));
      if (!model) {
        const result = await query(args);
        if (operation.startsWith("$executeRaw") || RAW_WRITE.test(rawSql(args))) record([{ everything: true }]);
        return result;
      }
      const model_ = facts.get(model);
      if (!model_ || !WRITES.has(operation)) return query(args);
      const result = await query(withKeys(model_, args as Row));
      record(changesOf(model, model_, operation, args as Row, result));
      return result;
    },
  },
});

/**
 * Records a write made outside Prisma (a hot path's own SQL) as the Prisma `operation` with these
 * `args` and `result` would have been recorded: the same changes, derived from the data model.
 */
export function recordWrite(model: string, operation: string, args: Row, result: unknown): void {
  const logs = writes.getStore();
  if (!logs) return;
  const model_ = facts.get(model);
  // Unknown to the data model: nothing can be derived, so everything cached may have changed.
  const changes =
    model_ && WRITES.has(operation)
      ? changesOf(model, model_, operation, args, result)
      : [{ everything: true as const }];
  for (const log of logs) log.push(...changes);
}

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
  const deleted = operation.startsWith("delete") ? ({ deleted: true } as const) : {};
  if (ids.length > 0) changes.push(...ids.map((id) => ({ typename: name, id, ...deleted })));
  else changes.push({ typename: name });

  const addsOrRemoves = ADDS_OR_REMOVES.test(operation);
  if (addsOrRemoves) changes.push({ listOf: name });

  for (const parent of model.parents) {
    const keys = [...rows, ...data, where].map((source) => source[parent.foreignKey]).filter(isId);
    const keyChanged = addsOrRemoves || data.some((source) => parent.foreignKey in source);
    const lists = parent.list ? { lists: [parent.list] } : {};
    if (keys.length > 0 && keyChanged) changes.push(...keys.map((id) => ({ typename: parent.model, id, ...lists })));
    else if (keyChanged) changes.push({ typename: parent.model, ...lists });
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
      // The row's own list of the related type changed (a post's tags).
      if (relation.isList) changes.push(...ids.map((id) => ({ typename: name, id, lists: [field] })));
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

/** One change per entity, type or list: an entity's `deleted` and `lists` merged from all its changes. */
function dedupe(changes: Change[]): Change[] {
  const seen = new Map<string, Change>();
  for (const change of changes) {
    if ("everything" in change) seen.set("everything", change);
    else if ("listOf" in change) seen.set(`list:${change.listOf}`, change);
    else {
      const key = `${change.typename}:${change.id ?? "*"}`;
      const before = seen.get(key) as typeof change | undefined;
      const lists = [...new Set([...(before?.lists ?? []), ...(change.lists ?? [])])];
      seen.set(key, {
        typename: change.typename,
        ...(change.id === undefined ? {} : { id: change.id }),
        ...(before?.deleted || change.deleted ? { deleted: true } : {}),
        ...(lists.length > 0 ? { lists } : {}),
      });
    }
  }
  return [...seen.values()];
}
