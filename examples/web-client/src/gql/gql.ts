/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        name\n      }\n    }\n  }\n": typeof types.LogInDocument,
    "\n  query LatestPosts($first: Int!, $after: String) {\n    posts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          author {\n            handle\n          }\n          likeCount\n          viewerHasLiked\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.LatestPostsDocument,
    "\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n": typeof types.LikePostDocument,
    "\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          status\n          progress\n        }\n      }\n      ... on MutationError {\n        message\n      }\n    }\n  }\n": typeof types.RequestReportDocument,
    "\n  subscription WatchJob($id: ID!) {\n    jobUpdated(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n": typeof types.WatchJobDocument,
};
const documents: Documents = {
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        name\n      }\n    }\n  }\n": types.LogInDocument,
    "\n  query LatestPosts($first: Int!, $after: String) {\n    posts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          author {\n            handle\n          }\n          likeCount\n          viewerHasLiked\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.LatestPostsDocument,
    "\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n": types.LikePostDocument,
    "\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          status\n          progress\n        }\n      }\n      ... on MutationError {\n        message\n      }\n    }\n  }\n": types.RequestReportDocument,
    "\n  subscription WatchJob($id: ID!) {\n    jobUpdated(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n": types.WatchJobDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LatestPosts($first: Int!, $after: String) {\n    posts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          author {\n            handle\n          }\n          likeCount\n          viewerHasLiked\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query LatestPosts($first: Int!, $after: String) {\n    posts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          author {\n            handle\n          }\n          likeCount\n          viewerHasLiked\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          status\n          progress\n        }\n      }\n      ... on MutationError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          status\n          progress\n        }\n      }\n      ... on MutationError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchJob($id: ID!) {\n    jobUpdated(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n"): (typeof documents)["\n  subscription WatchJob($id: ID!) {\n    jobUpdated(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;