import { createHash } from "node:crypto";
import type { Random } from "./random.ts";
import type { Intent, World } from "./world.ts";

// Operations built from a fixed vocabulary of the schema (schema.graphql): reads of posts, users,
// comments, tags, nodes and the viewer, and the writes of world.ts, written in the many ways a client
// may write the same thing: aliases, named and inline fragments (their definitions before or after
// the operations), variables or inline literals, and documents of several operations of which
// operationName chooses one.

export type Picker = ReturnType<World["picker"]>;
type ValueKind = keyof Picker;

/** A variable of the selected operation and how to draw a value for it from the world. */
interface Slot {
  variable: string;
  draw: (picker: Picker, random: Random) => unknown;
}

export type MutationField = Intent["kind"];
type Payload = "Post" | "User" | "Comment" | "DeletePostPayload" | "AuthPayload";

/**
 * Where the entity a write answers sits in its answer: the field of its `<Name>Payload` that holds
 * it, and for a mutation answering a `<Name>Result` union, the payload's type (an expected failure
 * then answers an InputError in its place).
 */
export interface Wrapper {
  field: string;
  union?: string;
}

export interface Write {
  /** The response key of the root field (its alias, or its name). */
  key: string;
  field: MutationField;
  payload: Payload;
  /** The entity's selection set: literal arguments and inline fragments only, so a read can repeat it. */
  selection: string;
  /** Absent: the root field answers the payload itself (deletePost, logIn). */
  wrapper?: Wrapper;
  /** The field's input, from the request's variables and the document's literals. */
  input: (variables: Record<string, unknown>) => Record<string, unknown>;
}

export interface Operation {
  text: string;
  /** Sent with the request (undefined: left out, as a client may for a single operation). */
  operationName: string | undefined;
  type: "query" | "mutation";
  slots: Slot[];
  variables: Record<string, unknown>;
  /** For a mutation: its root fields, run in order. */
  writes: Write[];
  /** sha256 of `text` when the document is in the trusted-documents manifest: sent by id. */
  persisted?: string;
}

export const intentOf = (write: Write, variables: Record<string, unknown>): Intent =>
  ({ kind: write.field, ...write.input(variables) }) as Intent;

/** New values for every variable of the operation, drawn from the world as it is now. */
export function rebind(operation: Operation, picker: Picker, random: Random): Operation {
  const variables = Object.fromEntries(operation.slots.map((slot) => [slot.variable, slot.draw(picker, random)]));
  return { ...operation, variables };
}

const SCALARS = {
  Post: ["id", "title", "body", "likeCount", "commentCount", "viewerHasLiked", "createdAt", "updatedAt"],
  User: ["id", "handle", "name", "bio", "email", "followerCount", "followingCount", "postCount", "createdAt"],
  Comment: ["id", "body", "createdAt"],
  Tag: ["id", "slug", "name", "postCount"],
} as const;
type Entity = keyof typeof SCALARS;

const INPUT_FIELDS: Record<
  MutationField,
  {
    input: string;
    payload: Payload;
    wrapper?: Wrapper;
    fields: [name: string, type: string, kind: ValueKind, optional?: true][];
  }
> = {
  likePost: {
    input: "LikePostInput!",
    payload: "Post",
    wrapper: { field: "post" },
    fields: [["postId", "ID!", "postId"]],
  },
  unlikePost: {
    input: "UnlikePostInput!",
    payload: "Post",
    wrapper: { field: "post" },
    fields: [["postId", "ID!", "postId"]],
  },
  followUser: {
    input: "FollowUserInput!",
    payload: "User",
    wrapper: { field: "user", union: "FollowUserPayload" },
    fields: [["handle", "String!", "handle"]],
  },
  unfollowUser: {
    input: "UnfollowUserInput!",
    payload: "User",
    wrapper: { field: "user" },
    fields: [["handle", "String!", "handle"]],
  },
  createPost: {
    input: "CreatePostInput!",
    payload: "Post",
    wrapper: { field: "post", union: "CreatePostPayload" },
    fields: [
      ["title", "String!", "title"],
      ["body", "String!", "body"],
      ["tags", "[String!]", "tagNames", true],
    ],
  },
  updatePost: {
    input: "UpdatePostInput!",
    payload: "Post",
    wrapper: { field: "post", union: "UpdatePostPayload" },
    fields: [
      ["id", "ID!", "postId"],
      ["title", "String", "title", true],
      ["body", "String", "body", true],
      ["tags", "[String!]", "tagNames", true],
    ],
  },
  deletePost: { input: "DeletePostInput!", payload: "DeletePostPayload", fields: [["id", "ID!", "postId"]] },
  addComment: {
    input: "AddCommentInput!",
    payload: "Comment",
    wrapper: { field: "comment", union: "AddCommentPayload" },
    fields: [
      ["postId", "ID!", "postId"],
      ["body", "String!", "commentBody"],
    ],
  },
  logIn: {
    input: "LogInInput!",
    payload: "AuthPayload",
    fields: [
      ["email", "String!", "email"],
      ["password", "String!", "password"],
    ],
  },
};

const WRITE_WEIGHTS: [MutationField, number][] = [
  ["likePost", 20],
  ["unlikePost", 12],
  ["followUser", 10],
  ["unfollowUser", 6],
  ["createPost", 10],
  ["updatePost", 8],
  ["deletePost", 4],
  ["addComment", 12],
  ["logIn", 3],
];

const READ_ROOTS = ["posts", "post", "user", "users", "viewer", "nodes", "node", "tags", "comments"] as const;

/** An argument's value: written in the document, or a variable of the operation. */
type Ref = { literal: unknown } | { variable: string };
const refText = (ref: Ref) => ("variable" in ref ? `$${ref.variable}` : literal(ref.literal));

/** GraphQL literal of a JSON value (strings, numbers, lists of them, input objects). */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{ ${Object.entries(value)
      .map(([key, item]) => `${key}: ${literal(item)}`)
      .join(", ")} }`;
  return JSON.stringify(value);
}

interface Options {
  /** No picker (the persisted documents, generated before any data exists): every argument is a variable. */
  picker: Picker | null;
  /** Named fragments are allowed (not in mutation payloads, which a verification read repeats). */
  namedFragments: boolean;
  /** Arguments inside selections are literals (mutation payloads). */
  literalArgs: boolean;
}

/** One operation being written: its variables, and what its root fields write. */
class OperationScope {
  readonly definitions: string[] = [];
  readonly slots: Slot[] = [];
  readonly writes: Write[] = [];
  readonly rootKeys = new Set<string>();
}

class DocumentWriter {
  readonly #random: Random;
  readonly #picker: Picker | null;
  readonly #fragments: string[] = [];
  #counter = 0;

  constructor(random: Random, picker: Picker | null) {
    this.#random = random;
    this.#picker = picker;
  }

  get fragments(): string[] {
    return this.#fragments;
  }

  next(): number {
    return ++this.#counter;
  }

  /** An argument: an inline literal drawn now, or a variable drawn at each send. */
  argumentRef(scope: OperationScope, type: string, kind: ValueKind, literalOnly = false): Ref {
    const random = this.#random;
    const picker = this.#picker;
    if (kind === "first" && (literalOnly || (picker !== null && random.chance(0.5))))
      return { literal: random.pick([1, 2, 3, 5, 10]) };
    if (picker && !literalOnly && random.chance(0.5)) return { literal: picker[kind]() };
    const variable = `v${this.next()}`;
    scope.definitions.push(`$${variable}: ${type}`);
    scope.slots.push({ variable, draw: (p) => p[kind]() });
    return { variable };
  }

  argument(scope: OperationScope, type: string, kind: ValueKind, literalOnly = false): string {
    return refText(this.argumentRef(scope, type, kind, literalOnly));
  }

  alias(name: string): string {
    return this.#random.chance(0.15) ? `a${this.next()}: ${name}` : name;
  }

  selection(scope: OperationScope, entity: Entity, depth: number, options: Options, required: string[] = []): string {
    const random = this.#random;
    const parts = [...required];
    for (const field of random.some(SCALARS[entity], 4)) {
      if (required.includes(field)) continue;
      const directive =
        !options.literalArgs && random.chance(0.05)
          ? ` @${random.pick(["include", "skip"])}(if: ${this.argument(scope, "Boolean!", "flag")})`
          : "";
      parts.push(this.alias(field) + directive);
      if (random.chance(0.05)) parts.push(`a${this.next()}: ${field}`); // the same field twice
    }
    if (depth < 3 && random.chance(0.55)) parts.push(this.#child(scope, entity, depth, options));
    if (parts.length > 1 && random.chance(0.2)) {
      const moved = parts.splice(required.length + random.int(parts.length - required.length), 1)[0] as string;
      if (options.namedFragments && random.chance(0.6)) {
        const name = `F${this.next()}`;
        this.#fragments.push(`fragment ${name} on ${entity} { ${moved} }`);
        parts.push(`...${name}`);
      } else {
        parts.push(`... on ${entity} { ${moved} }`);
      }
    }
    return `{ ${parts.join(" ")} }`;
  }

  #child(scope: OperationScope, entity: Entity, depth: number, options: Options): string {
    const random = this.#random;
    const first = () => this.argument(scope, "Int", "first", options.literalArgs);
    const connection = (field: string, node: Entity) =>
      `${this.alias(field)}(first: ${first()}) { edges { ${random.chance(0.5) ? "cursor " : ""}node ${this.selection(scope, node, depth + 1, options)} } pageInfo { hasNextPage ${random.chance(0.5) ? "endCursor" : ""} } }`;
    switch (entity) {
      case "Post":
        return random.pick([
          () => `${this.alias("author")} ${this.selection(scope, "User", depth + 1, options)}`,
          () => `${this.alias("tags")} ${this.selection(scope, "Tag", depth + 1, options)}`,
          () => connection("comments", "Comment"),
        ])();
      case "User":
        return connection("posts", "Post");
      case "Comment":
        return random.pick([
          () => `${this.alias("author")} ${this.selection(scope, "User", depth + 1, options)}`,
          () => `${this.alias("post")} ${this.selection(scope, "Post", depth + 1, options)}`,
        ])();
      case "Tag":
        return "__typename";
    }
  }

  rootKey(scope: OperationScope, field: string): string {
    const aliased = scope.rootKeys.has(field) || this.#random.chance(0.2);
    const key = aliased ? `r${this.next()}` : field;
    scope.rootKeys.add(key);
    return aliased ? `${key}: ${field}` : field;
  }

  /** A root connection's page: the first n, the first n after a cursor, or the last n (before one). */
  #window(scope: OperationScope): string {
    const random = this.#random;
    const count = (name: string) => `${name}: ${this.argument(scope, "Int", "first")}`;
    const cursor = (name: string) => `${name}: ${this.argument(scope, "String", "cursor")}`;
    return random.pick([
      () => count("first"),
      () => count("first"),
      () => `${count("first")}, ${cursor("after")}`,
      () => count("last"),
      () => `${count("last")}, ${cursor("before")}`,
    ])();
  }

  readRoot(scope: OperationScope, options: Options): string {
    const random = this.#random;
    const root = random.pick(READ_ROOTS);
    const arg = (type: string, kind: ValueKind) => this.argument(scope, type, kind);
    const sel = (entity: Entity) => this.selection(scope, entity, 1, options);
    const head = this.rootKey(scope, root === "comments" ? "post" : root);
    switch (root) {
      case "posts": {
        const tag = random.chance(0.3) ? `, tag: ${arg("String", "tagSlug")}` : "";
        return `${head}(${this.#window(scope)}${tag}) { edges { cursor node ${sel("Post")} } pageInfo { hasNextPage endCursor } }`;
      }
      case "post":
        return `${head}(id: ${arg("ID!", "postId")}) ${sel("Post")}`;
      case "comments":
        return `${head}(id: ${arg("ID!", "postId")}) { id commentCount comments(first: ${arg("Int", "first")}) { edges { node ${sel("Comment")} } pageInfo { hasNextPage } } }`;
      case "user":
        return `${head}(handle: ${arg("String!", "handle")}) ${sel("User")}`;
      case "users":
        return `${head}(${this.#window(scope)}) { edges { node ${sel("User")} } pageInfo { hasPreviousPage hasNextPage } }`;
      case "viewer":
        return `${head} ${sel("User")}`;
      case "tags":
        return `${head} ${sel("Tag")}`;
      case "node":
      case "nodes": {
        const entities = random.some(["Post", "User", "Comment", "Tag"] as const, 4);
        const body = `{ __typename ${random.chance(0.5) ? "id " : ""}${entities.map((e) => `... on ${e} ${sel(e)}`).join(" ")} }`;
        return root === "node"
          ? `${head}(id: ${this.argument(scope, "ID!", "postId")}) ${body}`
          : `${head}(ids: ${arg("[ID!]!", "nodeIds")}) ${body}`;
      }
    }
  }

  writeRoot(scope: OperationScope, field: MutationField): string {
    const random = this.#random;
    const spec = INPUT_FIELDS[field];
    const payloadOptions: Options = { picker: this.#picker, namedFragments: false, literalArgs: true };
    const created = field === "createPost" || field === "addComment" ? ["id"] : [];
    const selection = {
      Post: () => this.selection(scope, "Post", 1, payloadOptions, created),
      User: () => this.selection(scope, "User", 1, payloadOptions),
      Comment: () => this.selection(scope, "Comment", 1, payloadOptions, created),
      DeletePostPayload: () => `{ ${this.alias("deletedPostId")} }`,
      // Scalars only: the user's own email shows in its logIn payload, but not on its posts' authors there.
      AuthPayload: () => `{ token user ${this.selection(scope, "User", 3, payloadOptions)} }`,
    }[spec.payload]();
    let inputText: string;
    let input: Write["input"];
    if (this.#picker === null || random.chance(0.25)) {
      // The whole input as one variable.
      const variable = `v${this.next()}`;
      scope.definitions.push(`$${variable}: ${spec.input}`);
      scope.slots.push({
        variable,
        draw: (picker, r) =>
          Object.fromEntries(
            spec.fields
              .filter(([, , , optional]) => !optional || r.chance(0.6))
              .map(([name, , kind]) => [name, picker[kind]()]),
          ),
      });
      inputText = `$${variable}`;
      input = (variables) => variables[variable] as Record<string, unknown>;
    } else {
      const refs: [string, Ref][] = [];
      for (const [name, type, kind, optional] of spec.fields) {
        if (optional && random.chance(0.4)) continue;
        refs.push([name, this.argumentRef(scope, type, kind)]);
      }
      inputText = `{ ${refs.map(([name, ref]) => `${name}: ${refText(ref)}`).join(", ")} }`;
      input = (variables) =>
        Object.fromEntries(
          refs.map(([name, ref]) => [name, "variable" in ref ? variables[ref.variable] : ref.literal]),
        );
    }
    const head = this.rootKey(scope, field);
    const key = head.includes(":") ? (head.split(":")[0] as string) : field;
    scope.writes.push({ key, field, payload: spec.payload, selection, input, wrapper: spec.wrapper });
    return `${head}(input: ${inputText}) ${this.#wrapped(selection, spec.wrapper)}`;
  }

  /** The root field's selection: the entity's inside its payload, beside the union's error members. */
  #wrapped(selection: string, wrapper: Wrapper | undefined): string {
    if (!wrapper) return selection;
    const inPayload = `${wrapper.field} ${selection}`;
    if (!wrapper.union) return `{ ${inPayload} }`;
    const errors = this.#random.chance(0.5)
      ? "... on MutationError { code message }"
      : "... on InputError { code issues { path message } }";
    const parts = [`__typename`, `... on ${wrapper.union} { ${inPayload} }`, errors];
    if (this.#random.chance(0.5)) parts.reverse();
    return `{ ${parts.join(" ")} }`;
  }

  pickWrite(): MutationField {
    const total = WRITE_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.#random.int(total);
    for (const [field, weight] of WRITE_WEIGHTS) {
      roll -= weight;
      if (roll < 0) return field;
    }
    return "likePost";
  }
}

interface Definition {
  name: string | undefined;
  type: "query" | "mutation";
  scope: OperationScope;
  text: string;
}

/**
 * A document and every way of sending it: one operation per operation it holds (with
 * operationName), so a later step can send its query, then its mutation, then the other mutation.
 */
export function generateDocument(
  random: Random,
  picker: Picker | null,
  shape: { kind: "read" | "write" | "mixed" } | { kind: "toggle"; writes: MutationField[] },
): Operation[] {
  const writer = new DocumentWriter(random, picker);
  const options: Options = { picker, namedFragments: true, literalArgs: false };
  const forced = shape.kind === "toggle" ? [...shape.writes] : [];
  const reads = shape.kind === "toggle" ? (random.chance(0.7) ? 1 : 0) : 0;
  const count =
    shape.kind === "toggle"
      ? reads + forced.length
      : shape.kind === "mixed"
        ? 2 + random.int(2)
        : random.chance(0.2)
          ? 2
          : 1;
  const definitions: Definition[] = [];
  for (let index = 0; index < count; index++) {
    const isWrite =
      shape.kind === "toggle"
        ? index >= reads
        : shape.kind === "write"
          ? index === 0 || random.chance(0.3)
          : shape.kind === "mixed" && index > 0;
    const scope = new OperationScope();
    let body: string;
    if (isWrite) {
      // One root field: a mutation's later fields run only if the earlier ones succeed.
      body = writer.writeRoot(scope, forced.shift() ?? writer.pickWrite());
    } else {
      const roots = Array.from({ length: 1 + random.int(random.chance(0.7) ? 1 : 3) }, () =>
        writer.readRoot(scope, options),
      );
      body = roots.join(" ");
    }
    const type = isWrite ? "mutation" : "query";
    const anonymous = count === 1 && random.chance(0.3);
    const name = anonymous ? undefined : `${isWrite ? "Write" : "Read"}${writer.next()}`;
    const header = scope.definitions.length > 0 ? `(${scope.definitions.join(", ")})` : "";
    const text =
      anonymous && header === "" && type === "query" && random.chance(0.5)
        ? `{ ${body} }`
        : `${type}${name ? ` ${name}` : ""}${header} { ${body} }`;
    definitions.push({ name, type, scope, text });
  }
  const ordered = random.chance(0.3) ? [...definitions].reverse() : definitions;
  const fragmentsFirst = random.chance(0.5);
  const parts = fragmentsFirst
    ? [...writer.fragments, ...ordered.map((d) => d.text)]
    : [...ordered.map((d) => d.text), ...writer.fragments];
  const text = parts.join("\n");
  // With one operation the name may be left out; with several it must choose.
  const sendName = count > 1 || random.chance(0.5);
  return definitions.map((definition) => ({
    text,
    operationName: sendName ? definition.name : undefined,
    type: definition.type,
    slots: definition.scope.slots,
    variables: {},
    writes: definition.scope.writes,
  }));
}

/** Writes that undo each other: sent in turn with the same input, each must change SQL again. */
export const TOGGLES: readonly [MutationField, MutationField][] = [
  ["likePost", "unlikePost"],
  ["followUser", "unfollowUser"],
];

/** A document holding a write and the write that undoes it (and, mostly, a query): its two mutations. */
export function generateToggle(random: Random, picker: Picker): [Operation, Operation] {
  const writes = [...random.pick(TOGGLES)];
  if (random.chance(0.5)) writes.reverse();
  const mutations = generateDocument(random, picker, { kind: "toggle", writes }).filter((o) => o.type === "mutation");
  return mutations as [Operation, Operation];
}

/** A picker that answers this post and this handle wherever the operation asks for one. */
export const pinned = (picker: Picker, postId: string, handle: string): Picker => ({
  ...picker,
  postId: () => postId,
  handle: () => handle,
});

/** Documents for the trusted-documents manifest, every argument a variable (drawn at each send). */
export function generatePersisted(
  random: Random,
  count: number,
): { operations: Operation[]; manifest: Record<string, string> } {
  const operations: Operation[] = [];
  const manifest: Record<string, string> = {};
  for (let index = 0; index < count; index++) {
    const kind = random.pick(["read", "read", "write", "mixed"] as const);
    const variants = generateDocument(random, null, { kind });
    const hash = createHash("sha256")
      .update(variants[0]?.text ?? "")
      .digest("hex");
    manifest[`sha256:${hash}`] = variants[0]?.text ?? "";
    for (const variant of variants) operations.push({ ...variant, persisted: hash });
  }
  return { operations, manifest };
}

/**
 * A read that repeats a successful write's payload selection on the object it returned, or
 * undefined when the payload is checked by value (deletePost) or by its token (logIn: see verifyLogIn).
 */
export function verificationRead(write: Write, intent: Intent, payload: Record<string, unknown>) {
  switch (write.payload) {
    case "Post":
    case "Comment": {
      const id =
        intent.kind === "likePost" || intent.kind === "unlikePost"
          ? intent.postId
          : intent.kind === "updatePost"
            ? intent.id
            : (payload.id as string);
      return {
        text: `query Verify($id: ID!) { node(id: $id) { ... on ${write.payload} ${write.selection} } }`,
        variables: { id },
        key: "node",
      };
    }
    case "User":
      return {
        text: `query Verify($handle: String!) { user(handle: $handle) ${write.selection} }`,
        variables: { handle: (intent as { handle: string }).handle },
        key: "user",
      };
    case "AuthPayload":
      return {
        text: `query Verify { viewer ${write.selection.replace(/^\{ token user /, "").replace(/ \}$/, "")} }`,
        variables: {},
        key: "viewer",
      };
    case "DeletePostPayload":
      return undefined;
  }
}
