import { graphql } from "../gql/index.ts";
import type { TestServer } from "./server.ts";

export const SignUp = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      __typename
      ... on AuthPayload {
        token
        user {
          id
          handle
          email
        }
      }
      ... on MutationError {
        code
        message
      }
      ... on ConflictError {
        field
      }
      ... on InputError {
        issues {
          path
          message
        }
      }
    }
  }
`);

export const CreatePost = graphql(`
  mutation CreatePost($input: CreatePostInput!) {
    createPost(input: $input) {
      __typename
      ... on CreatePostPayload {
        post {
          id
          title
          body
          tags {
            slug
            name
          }
          author {
            handle
          }
        }
      }
      ... on MutationError {
        code
        message
      }
      ... on InputError {
        issues {
          path
          message
        }
      }
    }
  }
`);

let sequence = 0;

/** Signs up a new user through the API and returns its token and ids. */
export async function signUpUser(server: TestServer, handle = `user_${process.pid}_${++sequence}`) {
  const result = await server.execute(SignUp, {
    variables: {
      input: { email: `${handle}@example.test`, handle, name: `Name ${handle}`, password: "correct horse" },
    },
  });
  const signUp = result.data?.signUp;
  if (signUp?.__typename !== "AuthPayload")
    throw new Error(`signUp failed: ${JSON.stringify(signUp ?? result.errors)}`);
  return { token: signUp.token, id: signUp.user.id, handle };
}

/** Creates a post through the API as the given user. */
export async function createPost(
  server: TestServer,
  token: string,
  input: { title?: string; body?: string; tags?: string[] } = {},
) {
  const result = await server.execute(CreatePost, {
    token,
    variables: { input: { title: input.title ?? "A title", body: input.body ?? "A body", tags: input.tags ?? [] } },
  });
  const created = result.data?.createPost;
  if (created?.__typename !== "CreatePostPayload") {
    throw new Error(`createPost failed: ${JSON.stringify(created ?? result.errors)}`);
  }
  return created.post;
}

/**
 * A mutation's result union narrowed to the member expected (its payload, or an error type),
 * failing with what it answered instead.
 */
export function answered<T extends { __typename?: string }, N extends NonNullable<T["__typename"]>>(
  value: T | null | undefined,
  typename: N,
): Extract<T, { __typename?: N }> {
  if (value?.__typename !== typename) throw new Error(`expected ${typename}, got ${JSON.stringify(value)}`);
  return value as Extract<T, { __typename?: N }>;
}
