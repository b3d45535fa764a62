import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import type { GraphiQLOptions } from "graphql-yoga";

// Example operations shown as tabs in GraphiQL. renderGraphiQL inlines the editor bundle,
// so GraphiQL works on a machine with no internet.
export const GRAPHIQL_TABS: NonNullable<GraphiQLOptions["defaultTabs"]> = [
  {
    query: `# Welcome to Sokudo. Run an operation with the ▶ button.
# Demo users all have the password "password"; logIn returns a token for the Headers tab:
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
    query: `mutation LogIn {
  logIn(input: { email: "user1@example.com", password: "password" }) {
    token
    user { handle email }
  }
}`,
  },
  {
    query: `# Needs the Authorization header from LogIn.
mutation WritePost {
  createPost(input: { title: "Hello Sokudo", body: "Fast by construction.", tags: ["graphql", "performance"] }) {
    id
    title
    tags { slug }
    author { handle }
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
    query: `# Needs the Authorization header from LogIn. RequestReport returns a job at once;
# run WatchJob with its id (Variables: { "id": "..." }) to see progress pushed until it is done.
mutation RequestReport {
  requestActivityReport(input: {}) { id status progress }
}

subscription WatchJob($id: ID!) {
  jobUpdated(id: $id) { id status progress result error }
}`,
  },
];

export function renderSokudoGraphiQL(options: GraphiQLOptions = {}): string {
  return renderGraphiQL({ title: "Sokudo GraphiQL", defaultTabs: GRAPHIQL_TABS, ...options });
}
