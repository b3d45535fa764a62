import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { type DocumentNode, GraphQLError, type GraphQLSchema, Kind, parse, validate, visit } from "graphql";

export interface DocumentLimits {
  /** The document text, in UTF-8 bytes (GET and WebSocket requests have no body limit of their own). */
  maxBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

export type DocumentLimitCode =
  | "DOCUMENT_TOO_LARGE"
  | "TOKEN_LIMIT_EXCEEDED"
  | "DEPTH_LIMIT_EXCEEDED"
  | "ALIAS_LIMIT_EXCEEDED"
  | "DIRECTIVE_LIMIT_EXCEEDED"
  | "GRAPHQL_PARSE_FAILED"
  | "BAD_USER_INPUT";

/** Variables nested deeper than this are refused: no input type of the schema comes close. */
export const MAX_VARIABLE_DEPTH = 16;

/** The most directives a document may hold (not configurable). */
export const MAX_DIRECTIVES = 50;

/** The limits of the configuration (config.ts `limits`), as parseWithinLimits takes them. */
export const documentLimitsOf = (limits: {
  maxBodyBytes: number;
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
}): DocumentLimits => ({ ...limits, maxBytes: limits.maxBodyBytes, maxDirectives: MAX_DIRECTIVES });

/** How deep an operation selects and how many aliases it uses, as the depth and alias limits count them. */
export interface OperationMeasures {
  depth: number;
  aliases: number;
}

/**
 * The depth and aliases of each operation of the document, in document order, counted by
 * graphql-armor's own rules (the ones the limits are, run without a limit).
 */
export function measureOperations(document: DocumentNode, schema: GraphQLSchema): OperationMeasures[] {
  const depths: number[] = [];
  const aliases: number[] = [];
  const counting = (into: number[]) => ({
    n: Infinity,
    onAccept: [(_context: unknown, details: { n: number }) => void into.push(details.n)],
  });
  validate(schema, document, [maxDepthRule(counting(depths)), maxAliasesRule(counting(aliases))]);
  return depths.map((depth, index) => ({ depth, aliases: aliases[index] ?? 0 }));
}

const refused = (code: DocumentLimitCode, message: string) =>
  new GraphQLError(message, { extensions: { code, http: { status: 400 } } });

/**
 * Parses a document only within the limits: the token limit stops the lexer itself, and depth,
 * alias and directive limits (graphql-armor's rules) run on the bounded result. Throws a coded
 * GraphQLError (HTTP 400) for anything over a limit or not parseable.
 */
export function parseWithinLimits(source: string, schema: GraphQLSchema, limits: DocumentLimits): DocumentNode {
  // A string is at most 3 UTF-8 bytes per UTF-16 unit: measure exactly only when it could be over.
  if (source.length * 3 > limits.maxBytes && Buffer.byteLength(source) > limits.maxBytes) {
    throw refused("DOCUMENT_TOO_LARGE", `The document is larger than ${limits.maxBytes} bytes.`);
  }
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // graphql-js says "more that N tokens" (sic).
    if (/more (than|that) \d+ tokens/.test(message)) {
      throw refused("TOKEN_LIMIT_EXCEEDED", `The document has more than ${limits.maxTokens} tokens.`);
    }
    throw error instanceof GraphQLError
      ? new GraphQLError(message, {
          source: error.source,
          positions: error.positions,
          extensions: { code: "GRAPHQL_PARSE_FAILED", http: { status: 400 } },
        })
      : refused("GRAPHQL_PARSE_FAILED", message);
  }
  const measures = measureOperations(document, schema);
  const depth = Math.max(0, ...measures.map((measure) => measure.depth));
  if (depth > limits.maxDepth) {
    throw refused("DEPTH_LIMIT_EXCEEDED", `Query depth limit of ${limits.maxDepth} exceeded, found ${depth}.`);
  }
  const aliases = Math.max(0, ...measures.map((measure) => measure.aliases));
  if (aliases > limits.maxAliases) {
    throw refused("ALIAS_LIMIT_EXCEEDED", `Aliases limit of ${limits.maxAliases} exceeded, found ${aliases}.`);
  }
  // graphql-armor's rules throw their error rather than report it.
  let errors: readonly GraphQLError[];
  try {
    errors = validate(schema, document, [maxDirectivesRule({ n: limits.maxDirectives, exposeLimits: true })]);
  } catch (error) {
    errors = [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
  }
  const [error] = errors;
  if (error) throw refused("DIRECTIVE_LIMIT_EXCEEDED", error.message.replace(/^Syntax Error: /, ""));
  visit(document, {
    [Kind.STRING](node) {
      if (node.value.includes("\u0000")) {
        throw refused("BAD_USER_INPUT", "A string in the document contains U+0000, which text cannot hold.");
      }
    },
  });
  return document;
}

/**
 * Variables within limits: nested at most MAX_VARIABLE_DEPTH deep (a deeper value would
 * overflow the stack of whatever walks it first, the response cache's key included), and no
 * string with U+0000 (PostgreSQL text cannot hold it). Iterative: the walk itself cannot overflow.
 */
export function checkVariables(variables: unknown): void {
  if (variables === undefined || variables === null) return;
  const pending: [value: unknown, depth: number, name: string][] = [[variables, 0, ""]];
  while (pending.length > 0) {
    const [value, depth, name] = pending.pop() as [unknown, number, string];
    if (typeof value === "string") {
      if (value.includes("\u0000")) {
        throw refused("BAD_USER_INPUT", `Variable "$${name}" contains U+0000, which text cannot hold.`);
      }
    } else if (typeof value === "object" && value !== null) {
      if (depth >= MAX_VARIABLE_DEPTH) {
        throw refused("BAD_USER_INPUT", `Variable "$${name}" is nested more than ${MAX_VARIABLE_DEPTH} levels deep.`);
      }
      for (const [key, child] of Object.entries(value)) pending.push([child, depth + 1, depth === 0 ? key : name]);
    }
  }
}
