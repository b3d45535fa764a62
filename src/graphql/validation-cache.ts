import type { DocumentNode, GraphQLSchema, ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";

interface Validated {
  schema: GraphQLSchema;
  rules: readonly ValidationRule[] | undefined;
  result: readonly Error[];
}

/**
 * Validation results remembered per parsed document (which Yoga's parse cache shares between
 * requests), for the same schema and the same rules. Replaces Yoga's validation cache, which
 * joins every rule's name into a string key on each request (2% of a cheap request's CPU).
 * Put it after any plugin that adds validation rules: it sees the rules as they are when it runs.
 */
export function useValidationCache(): Plugin {
  const validated = new WeakMap<DocumentNode, Validated>();
  return {
    onValidate({ params: { schema, documentAST, rules }, setResult }) {
      const earlier = validated.get(documentAST);
      if (earlier && earlier.schema === schema && sameRules(earlier.rules, rules)) {
        setResult(earlier.result);
        return;
      }
      const asked = rules && [...rules];
      return ({ result }) => validated.set(documentAST, { schema, rules: asked, result });
    },
  };
}

function sameRules(a: readonly ValidationRule[] | undefined, b: readonly ValidationRule[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((rule, index) => rule === b[index]);
}
