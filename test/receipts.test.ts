import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { cacheExchange, Client, fetchExchange, type OperationResult } from "@urql/core";
import { createClient } from "graphql-ws";
import { firstValueFrom, filter } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { receiptsLink } from "../clients/apollo-receipts.ts";
import { receiptsExchange } from "../clients/urql-receipts.ts";
import type { Receipt } from "../src/graphql/receipts.ts";
import { type HttpServer, listen } from "../src/http/server.ts";
import { schema } from "../src/schema/index.ts";
import { createPost, signUpUser } from "./helpers/factories.ts";
import { TEST_REDIS_URL } from "./helpers/redis.ts";
import { useTestServer } from "./helpers/server.ts";
import { differenceOf, snapshotWorld } from "./helpers/world-snapshot.ts";

// Every mutation's response carries `extensions.changed` (src/graphql/receipts.ts): what its writes
// changed, from the write log that invalidates the response cache. Checked against what the API
// itself shows changed when everything is read again.

const server = await useTestServer({ REDIS_URL: TEST_REDIS_URL, GRAPHQL_MAX_COST: "100000000" });
const alice = await signUpUser(server, "receipt_alice");
const bob = await signUpUser(server, "receipt_bob");
const bobsPost = await createPost(server, bob.token, { title: "Bob's", tags: ["receipts"] });
const alicesPost = await createPost(server, alice.token, { title: "Alice's", tags: ["receipts", "graphql"] });

interface Case {
  token?: string;
  document: string;
  variables?: Record<string, unknown>;
  /** The id the mutation names in its answer, and whether it must be in `nodes` or `deleted`. */
  named: (data: Record<string, unknown>) => { id: string; as: "nodes" | "deleted" };
  /** Receipt entries this mutation must hold whatever the re-read shows. */
  expected?: Partial<Record<"nodes" | "lists" | "deleted", string[]>>;
}

/** The id at `<mutation>.<payload field>.id` of the answer. */
const returned = (field: string, entity: string) => (data: Record<string, unknown>) => ({
  id: (data[field] as Record<string, { id: string }>)[entity]?.id as string,
  as: "nodes" as const,
});

// One case per mutation: the walk below fails for a mutation without one.
const cases: Record<string, () => Promise<Case>> = {
  signUp: async () => ({
    document: `mutation { signUp(input: { email: "carol@example.test", handle: "carol", name: "Carol", password: "correct horse" }) { ... on AuthPayload { token user { id } } } }`,
    named: (data) => ({ id: (data.signUp as { user: { id: string } }).user.id, as: "nodes" }),
    expected: { lists: ["Query.users"] },
  }),
  logIn: async () => ({
    document: `mutation { logIn(input: { email: "receipt_alice@example.test", password: "correct horse" }) { user { id } } }`,
    named: (data) => ({ id: (data.logIn as { user: { id: string } }).user.id, as: "nodes" }),
  }),
  createPost: async () => ({
    token: alice.token,
    document: `mutation { createPost(input: { title: "New", body: "text", tags: ["receipts", "fresh"] }) { ... on CreatePostPayload { post { id } } } }`,
    named: returned("createPost", "post"),
    expected: { nodes: [alice.id], lists: ["Query.posts", "Query.tags", `User.posts:${alice.id}`] },
  }),
  updatePost: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { updatePost(input: { id: $id, title: "Changed", tags: ["graphql"] }) { ... on UpdatePostPayload { post { id } } } }`,
    variables: { id: alicesPost.id },
    named: returned("updatePost", "post"),
    expected: { nodes: [alicesPost.id], lists: [`Post.tags:${alicesPost.id}`] },
  }),
  addComment: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { addComment(input: { postId: $id, body: "Nice" }) { ... on AddCommentPayload { comment { id } } } }`,
    variables: { id: bobsPost.id },
    named: returned("addComment", "comment"),
    expected: { nodes: [bobsPost.id], lists: [`Post.comments:${bobsPost.id}`] },
  }),
  likePost: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { likePost(input: { postId: $id }) { post { id likeCount } } }`,
    variables: { id: bobsPost.id },
    named: returned("likePost", "post"),
  }),
  unlikePost: async () => ({
    token: alice.token,
    document: `mutation($id: ID!) { unlikePost(input: { postId: $id }) { post { id likeCount } } }`,
    variables: { id: bobsPost.id },
    named: returned("unlikePost", "post"),
  }),
  followUser: async () => ({
    token: alice.token,
    document: `mutation { followUser(input: { handle: "receipt_bob" }) { ... on FollowUserPayload { user { id followerCount } } } }`,
    named: returned("followUser", "user"),
    expected: { nodes: [alice.id, bob.id] },
  }),
  unfollowUser: async () => ({
    token: alice.token,
    document: `mutation { unfollowUser(input: { handle: "receipt_bob" }) { user { id followerCount } } }`,
    named: returned("unfollowUser", "user"),
    expected: { nodes: [alice.id, bob.id] },
  }),
  requestActivityReport: async () => ({
    token: alice.token,
    document: `mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }`,
    named: returned("requestActivityReport", "job"),
    expected: { lists: [`User.jobs:${alice.id}`] },
  }),
  deletePost: async () => {
    const doomed = await createPost(server, bob.token, { title: "Doomed", tags: ["receipts"] });
    await server.execute(
      `mutation($id: ID!) { addComment(input: { postId: $id, body: "bye" }) { ... on AddCommentPayload { comment { id } } } }`,
      {
        token: alice.token,
        variables: { id: doomed.id },
      },
    );
    return {
      token: bob.token,
      document: `mutation($id: ID!) { deletePost(input: { id: $id }) { deletedPostId } }`,
      variables: { id: doomed.id },
      named: (data) => ({ id: (data.deletePost as { deletedPostId: string }).deletedPostId, as: "deleted" }),
      expected: { deleted: [doomed.id], nodes: [bob.id], lists: ["Query.posts", `User.posts:${bob.id}`] },
    };
  },
};

describe("mutation receipts", () => {
  const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});

  it("has a case for every mutation of the schema", () => {
    expect(mutations.filter((name) => !(name in cases))).toEqual([]);
  });

  it.each(mutations)("%s: the receipt names everything a re-read shows changed", async (name) => {
    const mutation = await cases[name]?.();
    if (!mutation) throw new Error(`No case for mutation ${name}`);
    const before = await snapshotWorld(server, schema, alice.token);
    const response = await server.execute<Record<string, unknown>, unknown>(mutation.document, {
      token: mutation.token,
      variables: mutation.variables,
    });
    expect(response.errors).toBeUndefined();
    const after = await snapshotWorld(server, schema, alice.token);
    const receipt = response.extensions?.changed as Receipt;
    expect(receipt).toBeDefined();

    const named = mutation.named(response.data ?? {});
    if (name !== "logIn") expect(receipt[named.as]).toContain(named.id);
    for (const [key, ids] of Object.entries(mutation.expected ?? {})) {
      expect(receipt[key as keyof typeof mutation.expected]).toEqual(expect.arrayContaining(ids));
    }

    const difference = differenceOf(before, after);
    const coveredByType = (id: string) => receipt.types.includes(difference.typeOf(id));
    expect(difference.changed.filter((id) => !receipt.nodes.includes(id) && !coveredByType(id))).toEqual([]);
    expect(difference.created.filter((id) => !receipt.nodes.includes(id) && !coveredByType(id))).toEqual([]);
    expect(difference.deleted.filter((id) => !receipt.deleted.includes(id) && !coveredByType(id))).toEqual([]);
    const listed = (list: string) => receipt.lists.includes(list) || receipt.lists.includes(list.split(":")[0] ?? "");
    expect(difference.lists.filter((list) => !listed(list))).toEqual([]);
  });

  it("comes with a mutation when the response cache is off, and not with a query", async () => {
    const uncached = await useTestServer({ RESPONSE_CACHE: "off" }, server.url);
    const created = await uncached.execute<{ createPost: { post: { id: string } } }, unknown>(
      `mutation { createPost(input: { title: "Uncached", body: "b" }) { ... on CreatePostPayload { post { id } } } }`,
      { token: alice.token },
    );
    expect(created.extensions?.changed).toMatchObject({
      nodes: expect.arrayContaining([created.data?.createPost.post.id, alice.id]),
      lists: expect.arrayContaining(["Query.posts", `User.posts:${alice.id}`]),
    });
    const read = await uncached.execute(`{ posts(first: 1) { edges { node { id } } } }`);
    expect(read.extensions?.changed).toBeUndefined();
  });
});

const http: HttpServer = await listen(server.yoga, "127.0.0.1", 0);
afterAll(() => http.close());

const PostsPage = `query PostsPage { posts(first: 5) { edges { node { id title } } } }`;
const Author = `query Author($handle: String!) { user(handle: $handle) { id postCount posts(first: 5) { edges { node { id title } } } } }`;
const NewPost = `mutation NewPost($title: String!) { createPost(input: { title: $title, body: "b" }) { ... on CreatePostPayload { post { id title } } } }`;

interface Page {
  posts: { edges: { node: { id: string; title: string } }[] };
}
interface AuthorView {
  user: { id: string; postCount: number; posts: Page["posts"] };
}
const titles = (page: Page["posts"] | undefined) => page?.edges.map((edge) => edge.node.title);

describe("the Apollo Client link (clients/apollo-receipts.ts)", () => {
  const apollo = (token: string, withReceipts: boolean) => {
    const http_ = new HttpLink({ uri: `${http.url}/graphql`, headers: { authorization: `Bearer ${token}` } });
    return new ApolloClient({
      cache: new InMemoryCache(),
      link: withReceipts ? ApolloLink.from([receiptsLink, http_]) : http_,
    });
  };
  /** Watches a query (an active query, as a mounted component's) until its first complete answer. */
  const watched = async (client: ApolloClient, query: string, variables = {}) => {
    const observable = client.watchQuery({ query: gql(query), variables });
    const subscription = observable.subscribe(() => {});
    afterAll(() => subscription.unsubscribe());
    await firstValueFrom(observable.pipe(filter((result) => !result.loading && result.data !== undefined)));
  };

  it("after createPost, the cached first page shows the new post and the author's cached postCount is fresh", async () => {
    const erin = await signUpUser(server, "apollo_erin");
    await createPost(server, erin.token, { title: "Erin's first" });
    const client = apollo(erin.token, true);
    const stale = apollo(erin.token, false);
    for (const each of [client, stale]) {
      await watched(each, PostsPage);
      await watched(each, Author, { handle: erin.handle });
    }

    // No update function, no refetchQueries: the receipt says what changed.
    await client.mutate({ mutation: gql(NewPost), variables: { title: "Fresh" } });
    await stale.mutate({ mutation: gql(NewPost), variables: { title: "Unseen" } });

    const page = client.readQuery<Page>({ query: gql(PostsPage) });
    expect(titles(page?.posts)?.[0]).toBe("Fresh");
    const author = client.readQuery<AuthorView>({ query: gql(Author), variables: { handle: erin.handle } });
    expect(author?.user.postCount).toBe(2);
    expect(titles(author?.user.posts)).toEqual(["Fresh", "Erin's first"]);
    // Without the link a client keeps the page and the count it had.
    const stalePage = stale.readQuery<Page>({ query: gql(PostsPage) });
    expect(titles(stalePage?.posts)).not.toContain("Unseen");
    expect(
      stale.readQuery<AuthorView>({ query: gql(Author), variables: { handle: erin.handle } })?.user.postCount,
    ).toBe(1);
  });

  it("evicts what a deletePost deleted", async () => {
    const fay = await signUpUser(server, "apollo_fay");
    const doomed = await createPost(server, fay.token, { title: "Fay's doomed" });
    const client = apollo(fay.token, true);
    await watched(client, Author, { handle: fay.handle });
    await client.mutate({
      mutation: gql(`mutation($id: ID!) { deletePost(input: { id: $id }) { deletedPostId } }`),
      variables: { id: doomed.id },
    });
    expect((client.cache.extract() as Record<string, unknown>)[`Post:${doomed.id}`]).toBeUndefined();
    const author = client.readQuery<AuthorView>({ query: gql(Author), variables: { handle: fay.handle } });
    expect(author?.user).toMatchObject({ postCount: 0, posts: { edges: [] } });
  });
});

describe("the urql exchange (clients/urql-receipts.ts)", () => {
  const urql = (token: string, withReceipts: boolean) =>
    new Client({
      url: `${http.url}/graphql`,
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      exchanges: withReceipts ? [cacheExchange, receiptsExchange, fetchExchange] : [cacheExchange, fetchExchange],
    });
  /** An active query and a way to wait for its next answer that passes `until`. */
  const watched = <T>(client: Client, query: string, variables: Record<string, unknown> = {}) => {
    const waiting: { until: (data: T) => boolean; resolve: (data: T) => void }[] = [];
    let latest: T | undefined;
    const subscription = client.query<T>(query, variables).subscribe((result: OperationResult<T>) => {
      if (!result.data) return;
      latest = result.data;
      for (const waiter of waiting.splice(0)) {
        if (waiter.until(result.data)) waiter.resolve(result.data);
        else waiting.push(waiter);
      }
    });
    afterAll(() => subscription.unsubscribe());
    return (until: (data: T) => boolean) =>
      new Promise<T>((resolve) => (latest && until(latest) ? resolve(latest) : waiting.push({ until, resolve })));
  };

  it("after createPost, the cached first page shows the new post and the author's cached postCount is fresh", async () => {
    const gus = await signUpUser(server, "urql_gus");
    const client = urql(gus.token, true);
    const stale = urql(gus.token, false);
    const page = watched<Page>(client, PostsPage);
    const author = watched<AuthorView>(client, Author, { handle: gus.handle });
    const staleAuthor = watched<AuthorView>(stale, Author, { handle: gus.handle });
    await page(() => true);
    await author((data) => data.user.postCount === 0);
    await staleAuthor(() => true);

    await client.mutation(NewPost, { title: "Gus urql" }).toPromise();
    await page((data) => titles(data.posts)?.[0] === "Gus urql");
    await author((data) => data.user.postCount === 1);
    await stale.mutation(NewPost, { title: "Gus stale" }).toPromise();

    // Cache-first reads answer from the document cache, refreshed.
    expect(titles(client.readQuery<Page>(PostsPage, {})?.data?.posts)?.[0]).toBe("Gus urql");
    expect(client.readQuery<AuthorView>(Author, { handle: gus.handle })?.data?.user).toMatchObject({
      postCount: 1,
      posts: { edges: [{ node: { title: "Gus urql" } }] },
    });
    // urql's document cache alone refreshes only answers holding a returned typename: not an empty list's, not the author's count.
    expect(stale.readQuery<AuthorView>(Author, { handle: gus.handle })?.data?.user).toMatchObject({
      postCount: 0,
      posts: { edges: [] },
    });
  });
});

describe("receipts over every transport", () => {
  it("come with a mutation over SSE", async () => {
    const response = await fetch(`${http.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: `Bearer ${alice.token}`,
      },
      body: JSON.stringify({
        query: `mutation { createPost(input: { title: "Over SSE", body: "b" }) { ... on CreatePostPayload { post { id } } } }`,
      }),
    });
    const event = (await response.text()).split("\n\n").find((block) => block.startsWith("event: next"));
    const result = JSON.parse(
      event
        ?.split("\n")
        .find((line) => line.startsWith("data:"))
        ?.slice(5) ?? "{}",
    );
    expect(result.extensions.changed.nodes).toContain(result.data.createPost.post.id);
  });

  it("come with a mutation over WebSocket (graphql-ws)", async () => {
    const client = createClient({
      url: `${http.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${alice.token}` },
    });
    const results: { data?: { createPost: { post: { id: string } } } | null; extensions?: Record<string, unknown> }[] =
      [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        {
          query: `mutation { createPost(input: { title: "Over WebSocket", body: "b" }) { ... on CreatePostPayload { post { id } } } }`,
        },
        { next: (result) => void results.push(result as (typeof results)[number]), error: reject, complete: resolve },
      );
    });
    await client.dispose();
    const changed = results[0]?.extensions?.changed as Receipt;
    expect(changed.nodes).toContain(results[0]?.data?.createPost.post.id);
    expect(changed.lists).toContain("Query.posts");
  });
});
