import { graphql } from "../gql/index.ts";
import type { TestServer } from "./server.ts";

export const SignUp = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      user {
        id
        handle
        email
      }
    }
  }
`);

export const CreatePost = graphql(`
  mutation CreatePost($input: CreatePostInput!) {
    createPost(input: $input) {
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
`);

let sequence = 0;

/** Signs up a new user through the API and returns its token and ids. */
export async function signUpUser(server: TestServer, handle = `user_${process.pid}_${++sequence}`) {
  const result = await server.execute(SignUp, {
    variables: {
      input: { email: `${handle}@example.test`, handle, name: `Name ${handle}`, password: "correct horse" },
    },
  });
  if (!result.data) throw new Error(`signUp failed: ${JSON.stringify(result.errors)}`);
  return { token: result.data.signUp.token, id: result.data.signUp.user.id, handle };
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
  if (!result.data) throw new Error(`createPost failed: ${JSON.stringify(result.errors)}`);
  return result.data.createPost;
}
