import type { PrismaClient } from "./db.ts";

/**
 * Tables and columns as the Prisma data model maps them (`@@map`, `@map`), for the raw SQL that
 * Prisma cannot express (loaders.ts): no hand-typed column list to fall behind the schema.
 */
export interface ModelColumns {
  table: string;
  /** Every scalar column, aliased to its Prisma field name: rows come back in the model's shape. */
  selectList: string;
  /** The same columns under a table alias, each output name with `prefix` (for splitPrefixed). */
  selectAs(alias: string, prefix?: string): string;
  column(field: string): string;
  /** Only these fields' columns, each aliased to its field name (under a table alias, with `prefix`, when given). */
  selectFields(fields: readonly string[], alias?: string, prefix?: string): string;
}

interface RuntimeField {
  name: string;
  kind: string;
  dbName?: string | null;
}

interface RuntimeDataModel {
  models: Record<string, { dbName?: string | null; fields: RuntimeField[] }>;
}

const cache = new WeakMap<object, Map<string, ModelColumns>>();

export function modelColumns(prisma: PrismaClient, model: string): ModelColumns {
  let models = cache.get(prisma);
  if (!models) cache.set(prisma, (models = new Map()));
  let columns = models.get(model);
  if (!columns) {
    columns = readColumns(prisma, model);
    models.set(model, columns);
  }
  return columns;
}

function readColumns(prisma: PrismaClient, model: string): ModelColumns {
  // The generated client keeps its data model (with database names) on the instance; Prisma 7's
  // `prisma-client` generator exports no DMMF. Checked by test/data-model.test.ts.
  const dataModel = (prisma as unknown as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
  const definition = dataModel?.models[model];
  if (!definition) throw new Error(`The Prisma data model has no model ${model}`);
  const scalars = definition.fields.filter((field) => field.kind === "scalar" || field.kind === "enum");
  const columnOf = new Map(scalars.map((field) => [field.name, field.dbName ?? field.name]));
  return {
    table: definition.dbName ?? model,
    selectList: scalars.map((field) => `"${columnOf.get(field.name)}" AS "${field.name}"`).join(", "),
    selectAs: (alias, prefix = "") =>
      scalars.map((field) => `${alias}."${columnOf.get(field.name)}" AS "${prefix}${field.name}"`).join(", "),
    selectFields(fields, alias, prefix = "") {
      const from = alias ? `${alias}.` : "";
      return fields.map((field) => `${from}"${this.column(field)}" AS "${prefix}${field}"`).join(", ");
    },
    column(field) {
      const column = columnOf.get(field);
      if (!column) throw new Error(`The Prisma model ${model} has no scalar field ${field}`);
      return column;
    },
  };
}
