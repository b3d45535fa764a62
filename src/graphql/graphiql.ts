import type { GraphiQLOptions } from "graphql-yoga";

// Example operations shown as tabs in GraphiQL. renderGraphiQL inlines the editor bundle,
// so GraphiQL works on a machine with no internet.
export const GRAPHIQL_TABS: NonNullable<GraphiQLOptions["defaultTabs"]> = [
  {
    query: `# Welcome to Sokudo. Run an operation with the ▶ button.
# The Docs pane (top icon on the left) describes every field.
# Demo users' password is "password". Running the LogIn tab
# logs every tab in; or set, once, in any tab's Headers:
#   { "Authorization": "Bearer <token>" }
query LatestPosts {
  posts(first: 5) {
    edges {
      node {
        id
        title
        createdAt
        author { handle name }
        tags { slug name }
        commentCount
        likeCount
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`,
  },
  {
    query: `query UsersWithPosts {
  users(first: 10) {
    edges {
      node {
        handle
        followerCount
        posts(first: 3) {
          edges { node { title commentCount comments(first: 2) { edges { node { body author { handle } } } } } }
        }
      }
    }
  }
}`,
  },
  {
    query: `# Lists in order and searched: posts by likes or comments (orderBy), by words in the title
# or text (search: English stemming, "phrases", -word); a user's posts and a post's comments
# count themselves (totalCount, kept by the database, no count run).
query PopularPosts {
  mostLiked: posts(first: 3, orderBy: MOST_LIKED) { edges { node { title likeCount } } }
  searched: posts(first: 3, search: "caching -pool") { edges { node { title } } }
  user(handle: "user1") { posts(first: 1) { totalCount } }
}`,
  },
  {
    query: `mutation LogIn {
  logIn(input: { email: "user1@example.com", password: "password" }) {
    token
    user { handle email }
  }
}`,
  },
  {
    query: `# Needs a token: run the LogIn tab first. An invalid input (an empty title, say) answers an
# InputError as data, with an issue per field; a missing token is still a GraphQL error.
mutation WritePost {
  createPost(input: { title: "Hello Sokudo", body: "Fast by construction.", tags: ["graphql", "performance"] }) {
    __typename
    ... on CreatePostPayload {
      post { id title tags { slug } author { handle } }
      postEdge { cursor }
      viewer { postCount }
    }
    ... on InputError { message issues { path message } }
  }
}`,
  },
  {
    query: `# Five external services called at once (built-in demo services under npm start);
# a failing one gives null for its field and an error with extensions.code, the rest arrive.
query UserInsights {
  user(handle: "user1") {
    handle
    insights {
      reputation { score rank }
      location { country timezone }
      badges { id name }
      activity { commitsLastWeek streakDays }
      recommendedPosts { title }
    }
  }
}`,
  },
  {
    query: `# Needs a token: run the LogIn tab first.
# Run RequestAndWatch: this page requests an activity report for you
# (mutation requestActivityReport) and fills in $id, so each progress
# step of the job appears below as it happens, until it is done.
# Variables { "id": "..." } watch an existing job instead. A client
# does the same in two steps: the mutation, then this subscription.
subscription RequestAndWatch($id: ID!) {
  jobUpdated(id: $id) { id status progress result error }
}`,
  },
];

/**
 * GraphiQL keeps headers per tab; Sokudo's token should be set once. This runs in the page before
 * GraphiQL and wraps its fetch to the GraphQL endpoint: a request whose tab sets `Authorization`
 * makes that the shared value (an empty one clears it), a request without one gets the shared value,
 * and a `logIn` or `signUp` answer's token becomes the shared value by itself. Kept in
 * localStorage, so it survives a reload like GraphiQL's own persisted headers.
 *
 * The `RequestAndWatch` tab without an `id` variable first requests a report, then watches that
 * job: the demo report finishes in about two seconds, too soon to paste its id into a second tab.
 * GraphiQL sends subscriptions as GET with the operation in the query string.
 */
export const SHARED_AUTHORIZATION_SCRIPT = `
(() => {
  const key = "sokudo:authorization";
  const send = window.fetch.bind(window);
  window.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, location.href);
    if (url.origin !== location.origin || url.pathname !== location.pathname) return send(input, init);
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    const own = headers.get("authorization");
    if (own !== null && own.trim() === "") {
      localStorage.removeItem(key);
      headers.delete("authorization");
    } else if (own !== null) localStorage.setItem(key, own);
    else if (localStorage.getItem(key)) headers.set("authorization", localStorage.getItem(key));
    if (url.searchParams.get("operationName") === "RequestAndWatch") {
      const variables = JSON.parse(url.searchParams.get("variables") || "{}") ?? {};
      if (!variables.id) {
        const requested = await send(url.origin + url.pathname, {
          method: "POST",
          headers: { ...Object.fromEntries(headers), "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ query: "mutation { requestActivityReport(input: {}) { ... on RequestActivityReportPayload { job { id } } } }" }),
        });
        const body = await requested.json();
        const id = body?.data?.requestActivityReport?.job?.id;
        if (typeof id !== "string") {
          return new Response(JSON.stringify(body), { status: requested.status, headers: { "content-type": "application/json" } });
        }
        url.searchParams.set("variables", JSON.stringify({ ...variables, id }));
        input = url.href;
      }
    }
    const response = await send(input, { ...init, headers });
    if ((response.headers.get("content-type") ?? "").includes("json")) {
      response.clone().json().then((body) => {
        const token = body?.data?.logIn?.token ?? body?.data?.signUp?.token;
        if (typeof token === "string") localStorage.setItem(key, "Bearer " + token);
      }, () => {});
    }
    return response;
  };
})();
`;

/**
 * The page, its editor bundle (9 MB of JavaScript, 30 MB once loaded) imported on the first render:
 * a production server, which serves no GraphiQL, never holds it.
 */
export async function renderSokudoGraphiQL(options: GraphiQLOptions = {}): Promise<string> {
  const { renderGraphiQL } = await import("@graphql-yoga/render-graphiql");
  const page = renderGraphiQL({
    title: "Sokudo GraphiQL",
    defaultTabs: GRAPHIQL_TABS,
    // What a tab's Headers pane holds survives a reload of the page.
    shouldPersistHeaders: true,
    ...options,
  });
  return page.replace("</head>", `<script>${SHARED_AUTHORIZATION_SCRIPT}</script></head>`);
}
