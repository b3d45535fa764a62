import { graphql } from "./gql";

// Every operation the app sends, typed by `npm run codegen` from ../../schema.graphql.

export const LogIn = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      token
      user {
        handle
        name
      }
    }
  }
`);

export const LatestPosts = graphql(`
  query LatestPosts($first: Int!, $after: String) {
    posts(first: $first, after: $after) {
      edges {
        node {
          id
          title
          createdAt
          author {
            handle
          }
          likeCount
          viewerHasLiked
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const LikePost = graphql(`
  mutation LikePost($input: LikePostInput!) {
    likePost(input: $input) {
      post {
        id
        likeCount
        viewerHasLiked
      }
    }
  }
`);

export const RequestReport = graphql(`
  mutation RequestReport($input: RequestActivityReportInput!) {
    requestActivityReport(input: $input) {
      __typename
      ... on RequestActivityReportPayload {
        job {
          id
          status
          progress
        }
      }
      ... on MutationError {
        message
      }
    }
  }
`);

export const WatchJob = graphql(`
  subscription WatchJob($id: ID!) {
    jobUpdated(id: $id) {
      id
      status
      progress
      result
      error
    }
  }
`);
