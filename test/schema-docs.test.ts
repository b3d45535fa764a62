import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { schema } from "../src/schema/index.ts";

// GraphiQL's docs pane (and a generated client's hover text) is what frontend developers read:
// every type, field, argument, enum value and mutation of Sokudo's own schema says what it is.

/** Every member of the schema without a description, as "Type", "Type.field", "Type.field(arg)". */
export function undocumentedMembers(): string[] {
  const missing: string[] = [];
  const check = (name: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(name);
  };
  const checkArgs = (owner: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) check(`${owner}(${arg.name})`, arg.description);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue; // GraphQL's own introspection types
    if (["String", "Int", "Float", "Boolean", "ID"].includes(type.name)) continue; // the spec documents these
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      const fields: Record<string, GraphQLField<unknown, unknown> | GraphQLInputField> = type.getFields();
      for (const field of Object.values(fields)) {
        check(`${type.name}.${field.name}`, field.description);
        if ("args" in field) checkArgs(`${type.name}.${field.name}`, field.args);
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
    if (isUnionType(type)) continue;
  }
  return missing;
}

describe("schema documentation", () => {
  it("describes every type, field, argument and enum value", () => {
    expect(undocumentedMembers()).toEqual([]);
  });

  it("says the default and the maximum page size wherever a connection takes `first`", () => {
    const connections = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) || isInterfaceType(type))
      .flatMap((type) =>
        Object.values(type.getFields()).flatMap((field) =>
          field.args
            .filter((arg) => arg.name === "first")
            .map((arg) => `${type.name}.${field.name}: ${arg.description}`),
        ),
      );
    expect(connections.length).toBeGreaterThan(0);
    for (const line of connections) expect(line).toMatch(/default 20.*at most 100|at most 100.*default 20/i);
  });
});
