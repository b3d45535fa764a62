import { useDeferStream } from "@graphql-yoga/plugin-defer-stream";
import {
  type DirectiveNode,
  type DocumentNode,
  type ExecutionArgs,
  GraphQLBoolean,
  GraphQLError,
  GraphQLInt,
  valueFromAST,
  visit,
} from "graphql";
import type { Plugin } from "graphql-yoga";

const INCREMENTAL_DIRECTIVES = new Set(["defer", "stream"]);

/** Per parsed document (which Yoga's parse cache shares between requests): its @defer/@stream directives. */
const directivesByDocument = new WeakMap<DocumentNode, { incremental: boolean; streams: DirectiveNode[] }>();

function incrementalDirectivesOf(document: DocumentNode) {
  let known = directivesByDocument.get(document);
  if (!known) {
    const found = { incremental: false, streams: [] as DirectiveNode[] };
    visit(document, {
      Directive(node) {
        if (!INCREMENTAL_DIRECTIVES.has(node.name.value)) return;
        found.incremental = true;
        if (node.name.value === "stream") found.streams.push(node);
      },
    });
    directivesByDocument.set(document, (known = found));
  }
  return known;
}

/** Whether the document asks for any part of its answer later (`@defer` or `@stream`, whatever their `if`). */
export function deliversIncrementally(document: DocumentNode): boolean {
  return incrementalDirectivesOf(document).incremental;
}

/**
 * `@defer` and `@stream`: Yoga's defer-stream plugin adds the directives and their validation
 * rules, and Yoga's executor delivers the parts (multipart HTTP, SSE, and graphql-ws through SSE).
 * Besides, a `@stream` whose `initialCount` (literal or variable) is not a non-negative integer is
 * refused with BAD_USER_INPUT before execution: the executor would fail it as an internal error.
 */
export function useIncrementalDelivery(): Plugin[] {
  return [useDeferStream(), useStreamArgumentCheck()];
}

function useStreamArgumentCheck(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const invalid = incrementalDirectivesOf(args.document).streams.find((stream) => !validStream(stream, args));
      if (!invalid) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError("@stream's initialCount must be an integer of 0 or more.", {
            nodes: invalid,
            extensions: { code: "BAD_USER_INPUT" },
          }),
        ],
      });
    },
  };
}

function validStream(stream: DirectiveNode, args: ExecutionArgs): boolean {
  const variables = (args.variableValues ?? undefined) as Record<string, unknown> | undefined;
  const argument = (name: string) => stream.arguments?.find((candidate) => candidate.name.value === name)?.value;
  const enabled = argument("if");
  // A stream that is off is not read by the executor (validation has checked the argument's type).
  if (enabled && valueFromAST(enabled, GraphQLBoolean, variables) === false) return true;
  const initialCount = argument("initialCount");
  if (!initialCount) return true; // defaults to 0
  const count: unknown = valueFromAST(initialCount, GraphQLInt, variables);
  return typeof count === "number" && count >= 0;
}
