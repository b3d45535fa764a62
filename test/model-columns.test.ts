import { getNamedType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { modelColumns } from "../src/data/model-columns.ts";
import { schema } from "../src/schema/index.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { useTestServer } from "./helpers/server.ts";

// Raw SQL reads its tables and columns from the Prisma data model: a row read with the derived
// select list has exactly the shape Prisma itself returns.

const server = await useTestServer({ RESPONSE_CACHE: "off" });
const { prisma } = server.db;

describe("columns from the Prisma data model", () => {
  it("maps tables and columns as the schema's @@map and @map say", () => {
    const post = modelColumns(prisma, "Post");
    expect(post.table).toBe("posts");
    expect(post.column("authorId")).toBe("author_id");
    expect(() => post.column("nope")).toThrow(/no scalar field nope/);
    expect(() => modelColumns(prisma, "Nope")).toThrow(/no model Nope/);
  });

  it("selects rows in the shape Prisma returns, for every model a loader reads", async () => {
    const user = await signUpUser(server, "shape");
    const post = await createPost(server, user.token, { title: "shape", tags: ["shape"] });
    const postId = Number(Buffer.from(post.id, "base64").toString().split(":")[1]);
    const authorId = Number(Buffer.from(user.id, "base64").toString().split(":")[1]);
    await prisma.comment.create({ data: { body: "shape", postId, authorId } });
    for (const model of ["Post", "Comment", "User", "Tag"] as const) {
      const columns = modelColumns(prisma, model);
      const [raw] = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(
        `SELECT ${columns.selectList} FROM "${columns.table}" ORDER BY 1 LIMIT 1`,
      );
      const delegate = prisma[model.toLowerCase() as "post"] as unknown as {
        findFirst(args: object): Promise<Record<string, unknown> | null>;
      };
      const viaPrisma = await delegate.findFirst({ orderBy: { id: "asc" } });
      expect(viaPrisma, model).not.toBeNull();
      expect(Object.keys(raw ?? {}).sort(), model).toEqual(Object.keys(viaPrisma ?? {}).sort());
    }
  });

  it("has every joinsOne declaration name a model it returns and a column of its own type's model", () => {
    const declared: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields())) {
        const joins = field.extensions?.joinsOne as { model: string; by: string } | undefined;
        if (!joins) continue;
        const where = `${type.name}.${field.name}`;
        declared.push(where);
        const own = type.extensions?.pothosPrismaModel as string | undefined;
        expect(own, where).toBeDefined();
        expect(() => modelColumns(prisma, own ?? "").column(joins.by), where).not.toThrow();
        expect(() => modelColumns(prisma, joins.model), where).not.toThrow();
        expect(getNamedType(field.type).extensions?.pothosPrismaModel, where).toBe(joins.model);
      }
    }
    expect(declared).toEqual(expect.arrayContaining(["Comment.author", "Post.author"]));
  });
});
