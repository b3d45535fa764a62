import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { cacheExchange, Client, type CombinedError, fetchExchange } from "@urql/core";
import { print } from "graphql";
import { createClient } from "graphql-sse";
import { receiptsExchange } from "../../../clients/urql-receipts.ts";

/** Where Sokudo answers; the Vite dev server proxies it (see vite.config.ts). */
const ENDPOINT = "/graphql";

let token: string | null = sessionStorage.getItem("sokudo-token");

export function setToken(value: string | null): void {
  token = value;
  if (value) sessionStorage.setItem("sokudo-token", value);
  else sessionStorage.removeItem("sokudo-token");
}

export const isLoggedIn = () => token !== null;

const authorization = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

// Queries and mutations go through urql's document cache. Sokudo's mutation receipts
// (`extensions.changed`) keep it fresh: after a mutation, every query on screen that shows what it
// changed runs again (clients/urql-receipts.ts), so no mutation here updates the page by hand.
const client = new Client({
  url: ENDPOINT,
  exchanges: [cacheExchange, receiptsExchange, fetchExchange],
  fetchOptions: () => ({ headers: { accept: "application/graphql-response+json", ...authorization() } }),
});

const apiError = (error: CombinedError) =>
  new ApiError(
    error.graphQLErrors[0]?.message ?? error.message,
    error.graphQLErrors[0]?.extensions?.code as string | undefined,
  );

/** One mutation over HTTP POST; typed by its document. */
export async function mutate<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const result = await client.mutation(document, variables).toPromise();
  if (result.error) throw apiError(result.error);
  if (!result.data) throw new ApiError("A response without data", undefined);
  return result.data;
}

/**
 * A query kept on screen: `onResult` gets its answer now and again whenever a mutation's receipt
 * says it changed, until `stop()`. `fresh` skips the cache (the viewer changed).
 */
export function watch<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  onResult: (result: Result) => void,
  onError: (error: ApiError) => void,
  fresh = false,
): { stop: () => void } {
  const subscription = client
    .query(document, variables, { requestPolicy: fresh ? "network-only" : "cache-first" })
    .subscribe((result) => {
      if (result.error) onError(apiError(result.error));
      else if (result.data) onResult(result.data);
    });
  return { stop: () => subscription.unsubscribe() };
}

// GraphQL over Server-Sent Events ("distinct connections" mode, what Yoga serves): one stream per
// subscription, with the token sent as a header like any request.
const sse = createClient({ url: ENDPOINT, headers: authorization });

/** Calls `onResult` with each result until the server ends the stream (or `stop()` is called). */
export function subscribe<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
  onResult: (result: Result) => void,
): { done: Promise<void>; stop: () => void } {
  let stop = () => {};
  const done = new Promise<void>((resolve, reject) => {
    stop = sse.subscribe(
      { query: print(document), variables },
      {
        next: ({ data, errors }) => {
          if (errors?.[0]) reject(new ApiError(errors[0].message, undefined));
          else if (data) onResult(data as Result);
        },
        error: reject,
        complete: resolve,
      },
    );
  });
  return { done, stop };
}
