import { GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { recoded } from "./error-codes.ts";

/** The code of a refusal by the transport, decided by its status: the same whichever check refused. */
const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

const STREAMING_TRANSPORTS =
  "GraphQL over WebSocket (the graphql-ws protocol) on this path, or server-sent events with Accept: text/event-stream";

/**
 * Every refusal by the transport is a GraphQL-over-HTTP error body with a code, as every other
 * error is: Yoga answers an unknown Content-Type (415) and an Accept it cannot serve (406, Apollo
 * Client's multipart subscriptions among them) with an empty body, and its 405s with BAD_REQUEST.
 */
export function useTransportErrors(graphqlEndpoint: string): Plugin {
  return {
    // After Yoga's request parsers: none of them reads this body. Other methods are Yoga's 405.
    onRequestParse({ request, url, requestParser }) {
      if (requestParser || (request.method !== "GET" && request.method !== "POST")) return;
      if (url.pathname !== graphqlEndpoint && url.pathname !== `${graphqlEndpoint}/`) return;
      throw new GraphQLError(
        `Content-Type ${JSON.stringify(request.headers.get("content-type") ?? "")} is not supported: send application/json (or application/graphql, multipart/form-data, application/x-www-form-urlencoded).`,
        { extensions: { code: CODE_BY_STATUS[415], http: { status: 415 } } },
      );
    },
    onResultProcess({ request, result, setResult, resultProcessor, acceptableMediaTypes, setResultProcessor }) {
      if (
        !Array.isArray(result) &&
        !isAsyncIterable(result) &&
        result.errors?.some((error) => transportCodeFor(error) !== undefined)
      ) {
        setResult({
          ...result,
          errors: result.errors.map((error) => {
            const code = transportCodeFor(error);
            return code ? recoded(error, code) : error;
          }),
        });
      }
      if (resultProcessor) return;
      // Last of the result processors: no other one can send this result as the request accepts.
      const streaming = isAsyncIterable(result);
      const offered = [...new Set(acceptableMediaTypes)];
      setResultProcessor((_result, fetchAPI) => {
        // The subscription has started: stop it, nothing will read it.
        if (streaming) void (result as AsyncIterable<unknown> & Partial<AsyncIterator<unknown>>).return?.();
        const accept = request.headers.get("accept") ?? "";
        const message = streaming
          ? `This operation's results are a stream, which is not sent as ${JSON.stringify(accept)}: use ${STREAMING_TRANSPORTS}.`
          : `The result cannot be sent as ${JSON.stringify(accept)}: accept ${offered.join(" or ")}.`;
        return fetchAPI.Response.json(
          { errors: [{ message, extensions: { code: CODE_BY_STATUS[406] } }] },
          { status: 406, headers: { accept: offered.join(", ") } },
        );
      }, "application/json");
    },
  };
}

const statusOf = (error: GraphQLError) => (error.extensions?.http as { status?: unknown } | undefined)?.status;

/** The code an error's HTTP status calls for, when it does not carry it yet. */
const transportCodeFor = (error: GraphQLError): string | undefined => {
  const code = CODE_BY_STATUS[statusOf(error) as number];
  return code !== undefined && error.extensions?.code !== code ? code : undefined;
};
