import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient } from "graphql-sse";

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

/** One query or mutation over HTTP POST; typed by its document. */
export async function request<Result, Variables>(
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...authorization() },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as {
    data?: Result;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  const [error] = body.errors ?? [];
  if (error) throw new ApiError(error.message, error.extensions?.code);
  if (!body.data) throw new ApiError(`HTTP ${response.status} without data`, undefined);
  return body.data;
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
