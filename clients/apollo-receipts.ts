import { type ApolloCache, type ApolloClient, ApolloLink } from "@apollo/client";
import { concatMap } from "rxjs";
import { parseList, type Receipt, receiptIn, typenameOf } from "./receipt.ts";

/**
 * An Apollo Client link that applies Sokudo's mutation receipts, so no mutation needs an `update`
 * function or `refetchQueries`: deleted entities are evicted, changed entities and changed lists
 * are evicted too, and every active query whose cached answer that touched is refetched (Apollo's
 * `refetchQueries({ updateCache })`) before the mutation's promise settles. A raw write the server
 * could not describe (`everything`) resets the store, which refetches the active queries.
 *
 *   new ApolloClient({ cache: new InMemoryCache(), link: ApolloLink.from([receiptsLink, new HttpLink({ uri })]) })
 */
export const receiptsLink = new ApolloLink((operation, forward) =>
  forward(operation).pipe(
    concatMap(async (result) => {
      const receipt = receiptIn(result.extensions);
      if (receipt) await applyReceipt(operation.client, receipt);
      return result;
    }),
  ),
);

export async function applyReceipt(client: ApolloClient, receipt: Receipt): Promise<void> {
  if (receipt.everything) {
    await client.resetStore();
    return;
  }
  const refetched = client.refetchQueries({
    updateCache(cache) {
      for (const id of [...receipt.deleted, ...receipt.nodes]) cache.evict({ id: cacheId(cache, id) });
      for (const list of receipt.lists) {
        const { typename, field, id } = parseList(list);
        if (typename === "Query") cache.evict({ id: "ROOT_QUERY", fieldName: field });
        else if (id) cache.evict({ id: cacheId(cache, id), fieldName: field });
        else for (const entity of cachedOfType(cache, typename)) cache.evict({ id: entity, fieldName: field });
      }
      for (const typename of receipt.types)
        for (const entity of cachedOfType(cache, typename)) cache.evict({ id: entity });
      cache.gc();
    },
  });
  // A refetch that fails reports on its own query; the mutation itself succeeded.
  await Promise.resolve(refetched).catch(() => undefined);
}

const cacheId = (cache: ApolloCache, globalId: string) =>
  cache.identify({ __typename: typenameOf(globalId), id: globalId });

/** The cache ids of the entities of a type the cache holds. */
function cachedOfType(cache: ApolloCache, typename: string): string[] {
  const entities = cache.extract() as Record<string, { __typename?: string } | undefined>;
  return Object.keys(entities).filter((id) => entities[id]?.__typename === typename);
}
