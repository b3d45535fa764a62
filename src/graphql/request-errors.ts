import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * A request Yoga's parsers cannot read (a GET whose `variables` or `extensions` is not JSON,
 * say) is the client's mistake: 400 BAD_REQUEST with the reason, never a masked 500.
 */
export function useRequestErrors(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          const reason = error instanceof SyntaxError ? "a parameter is not valid JSON" : "it could not be read";
          throw new GraphQLError(`The request is malformed: ${reason}.`, {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        }
      });
    },
  };
}
