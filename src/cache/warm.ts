import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type DefinitionNode, Kind, parse, print } from "graphql";
import type { Logger } from "../observability/logger.ts";

export const DEFAULT_WARM_OPERATIONS_FILE = fileURLToPath(new URL("warm-operations.graphql", import.meta.url));

interface FetchesGraphQL {
  fetch(url: string, init: RequestInit): Promise<Response> | Response;
}

/**
 * Runs each operation of a .graphql file once, anonymously, through the server itself, so
 * its response is cached before the first client asks. Returns the operations warmed.
 */
export async function warmResponseCache(server: FetchesGraphQL, file: string, logger?: Logger): Promise<string[]> {
  const document = parse(await readFile(file, "utf8"));
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  const warmed: string[] = [];
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== "query") continue;
    const definitions: DefinitionNode[] = [operation, ...fragments];
    const query = print({ kind: Kind.DOCUMENT, definitions });
    const response = await server.fetch("http://sokudo.internal/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    const name = operation.name?.value ?? "(anonymous)";
    if (body.errors?.length) logger?.warn({ errors: body.errors }, `cache warm-up: ${name} failed`);
    else warmed.push(name);
  }
  return warmed;
}
