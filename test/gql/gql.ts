/* eslint-disable */
import * as types from './graphql.js';
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
    "\n  query UserWithDeferredInsights($handle: String!) {\n    user(handle: $handle) {\n      handle\n      ... @defer {\n        insights {\n          location {\n            country\n          }\n          reputation {\n            score\n          }\n        }\n      }\n    }\n  }\n": typeof types.UserWithDeferredInsightsDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        email\n      }\n    }\n  }\n": typeof types.LogInDocument,
    "\n  query Viewer {\n    viewer {\n      handle\n      email\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query UserHandle($handle: String!) {\n    user(handle: $handle) {\n      handle\n    }\n  }\n": typeof types.UserHandleDocument,
    "\n  mutation FollowByHandle($input: FollowUserInput!) {\n    followUser(input: $input) {\n      ... on FollowUserPayload {\n        user {\n          handle\n        }\n      }\n    }\n  }\n": typeof types.FollowByHandleDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthPayload {\n        token\n        user {\n          id\n          handle\n          email\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on ConflictError {\n        field\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation CreatePost($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n            name\n          }\n          author {\n            handle\n          }\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.CreatePostDocument,
    "\n  query Insights($handle: String!) {\n    user(handle: $handle) {\n      insights {\n        reputation {\n          score\n          rank\n        }\n        location {\n          country\n          timezone\n        }\n        badges {\n          id\n          name\n        }\n        activity {\n          commitsLastWeek\n          streakDays\n        }\n        recommendedPosts {\n          title\n        }\n      }\n    }\n  }\n": typeof types.InsightsDocument,
    "\n  query ManyReputations {\n    users(first: 50) {\n      edges {\n        node {\n          handle\n          insights {\n            reputation {\n              score\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ManyReputationsDocument,
    "\n  mutation QueueReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n": typeof types.QueueReportDocument,
    "\n  query QueueJob($id: ID!) {\n    job(id: $id) {\n      status\n      attempts\n      error\n    }\n  }\n": typeof types.QueueJobDocument,
    "\n  query Users { users(first: 2) { edges { node { handle } } } }\n": typeof types.UsersDocument,
    "\n  query PostById($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      body\n      author {\n        handle\n      }\n      tags {\n        slug\n        name\n      }\n      commentCount\n      likeCount\n      viewerHasLiked\n    }\n  }\n": typeof types.PostByIdDocument,
    "\n  mutation UpdatePost($input: UpdatePostInput!) {\n    updatePost(input: $input) {\n      __typename\n      ... on UpdatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n          }\n          updatedAt\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.UpdatePostDocument,
    "\n  mutation CreatePostWithEdge($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n        }\n        postEdge {\n          cursor\n          node {\n            id\n            title\n          }\n        }\n        viewer {\n          handle\n          postCount\n        }\n      }\n    }\n  }\n": typeof types.CreatePostWithEdgeDocument,
    "\n  mutation DeletePost($input: DeletePostInput!) {\n    deletePost(input: $input) {\n      deletedPostId\n      viewer {\n        postCount\n      }\n    }\n  }\n": typeof types.DeletePostDocument,
    "\n  query PostsPage($first: Int, $after: String, $tag: String) {\n    posts(first: $first, after: $after, tag: $tag) {\n      edges {\n        cursor\n        node {\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.PostsPageDocument,
    "\n  query Tags {\n    tags {\n      slug\n      name\n      postCount\n    }\n  }\n": typeof types.TagsDocument,
    "\n  mutation LogInThrottled($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n    }\n  }\n": typeof types.LogInThrottledDocument,
    "\n  mutation RequestSharedReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n": typeof types.RequestSharedReportDocument,
    "\n  query SharedReportStatus($id: ID!) {\n    job(id: $id) {\n      status\n    }\n  }\n": typeof types.SharedReportStatusDocument,
    "\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          kind\n          status\n          progress\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.RequestReportDocument,
    "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n": typeof types.JobByIdDocument,
    "\n  query MyJobs($handle: String!) {\n    user(handle: $handle) {\n      jobs(first: 10) {\n        edges {\n          node {\n            id\n            kind\n          }\n        }\n      }\n    }\n  }\n": typeof types.MyJobsDocument,
    "\n  query Feed {\n    posts(first: 5) {\n      edges {\n        node {\n          id\n          title\n          likeCount\n          commentCount\n          author {\n            handle\n            postCount\n            followerCount\n          }\n          tags {\n            slug\n            postCount\n          }\n        }\n      }\n    }\n  }\n": typeof types.FeedDocument,
    "\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      title\n      likeCount\n      commentCount\n      comments(first: 10) {\n        edges {\n          node {\n            body\n          }\n        }\n      }\n    }\n  }\n": typeof types.PostPageDocument,
    "\n  query CachedProfile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n      posts(first: 5) {\n        edges {\n          node {\n            title\n          }\n        }\n      }\n    }\n  }\n": typeof types.CachedProfileDocument,
    "\n  query Everyone {\n    users(first: 100) {\n      edges {\n        node {\n          handle\n        }\n      }\n    }\n  }\n": typeof types.EveryoneDocument,
    "\n  query Private($id: ID!) {\n    viewer {\n      handle\n      email\n    }\n    post(id: $id) {\n      title\n      viewerHasLiked\n    }\n  }\n": typeof types.PrivateDocument,
    "\n        mutation Rename($input: UpdatePostInput!) {\n          updatePost(input: $input) {\n            __typename\n            ... on UpdatePostPayload {\n              post {\n                id\n              }\n            }\n          }\n        }\n      ": typeof types.RenameDocument,
    "\n        mutation Remove($input: DeletePostInput!) {\n          deletePost(input: $input) {\n            deletedPostId\n          }\n        }\n      ": typeof types.RemoveDocument,
    "\n        mutation Like($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      ": typeof types.LikeDocument,
    "\n        mutation Comment($input: AddCommentInput!) {\n          addComment(input: $input) {\n            __typename\n            ... on AddCommentPayload {\n              comment {\n                id\n              }\n            }\n          }\n        }\n      ": typeof types.CommentDocument,
    "\n        mutation Follow($input: FollowUserInput!) {\n          followUser(input: $input) {\n            __typename\n            ... on FollowUserPayload {\n              user {\n                handle\n              }\n            }\n          }\n        }\n      ": typeof types.FollowDocument,
    "\n        mutation LikeIt($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      ": typeof types.LikeItDocument,
    "\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n": typeof types.LikePostDocument,
    "\n  mutation UnlikePost($input: UnlikePostInput!) {\n    unlikePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n": typeof types.UnlikePostDocument,
    "\n  mutation FollowUser($input: FollowUserInput!) {\n    followUser(input: $input) {\n      __typename\n      ... on FollowUserPayload {\n        user {\n          handle\n          followerCount\n        }\n        viewer {\n          handle\n          followingCount\n        }\n      }\n      ... on InputError {\n        code\n        message\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.FollowUserDocument,
    "\n  mutation UnfollowUser($input: UnfollowUserInput!) {\n    unfollowUser(input: $input) {\n      user {\n        handle\n        followerCount\n      }\n      viewer {\n        followingCount\n      }\n    }\n  }\n": typeof types.UnfollowUserDocument,
    "\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      __typename\n      ... on AddCommentPayload {\n        comment {\n          id\n          body\n          author {\n            handle\n          }\n        }\n        commentEdge {\n          cursor\n          node {\n            id\n          }\n        }\n        post {\n          id\n          commentCount\n        }\n      }\n      ... on InputError {\n        code\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.AddCommentDocument,
    "\n  query PostComments($id: ID!, $first: Int, $after: String) {\n    post(id: $id) {\n      commentCount\n      comments(first: $first, after: $after) {\n        edges {\n          node {\n            body\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.PostCommentsDocument,
    "\n  query Profile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n    }\n  }\n": typeof types.ProfileDocument,
    "\n  query NestedList($users: Int!, $posts: Int!, $comments: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          handle\n          posts(first: $posts) {\n            edges {\n              node {\n                title\n                tags {\n                  name\n                }\n                commentCount\n                likeCount\n                comments(first: $comments) {\n                  edges {\n                    node {\n                      body\n                      author {\n                        handle\n                      }\n                    }\n                  }\n                }\n              }\n            }\n          }\n          followerCount\n        }\n      }\n    }\n  }\n": typeof types.NestedListDocument,
    "\n  query PostsForViewer($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          title\n          author {\n            handle\n          }\n          tags {\n            name\n          }\n          viewerHasLiked\n        }\n      }\n    }\n  }\n": typeof types.PostsForViewerDocument,
    "\n  query TwoAliases($users: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          latest: posts(first: 2) {\n            edges {\n              node {\n                title\n              }\n            }\n          }\n          more: posts(first: 8) {\n            edges {\n              node {\n                title\n              }\n            }\n            pageInfo {\n              hasNextPage\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.TwoAliasesDocument,
    "\n  query WithFragments($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          ...PostCard\n          ... on Post {\n            author {\n              handle\n              followerCount\n            }\n            likeCount\n          }\n        }\n      }\n    }\n  }\n  fragment PostCard on Post {\n    title\n    commentCount\n    author {\n      name\n      postCount\n    }\n  }\n": typeof types.WithFragmentsDocument,
    "\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n        postCount\n      }\n      ... on Post {\n        title\n        author {\n          handle\n        }\n      }\n    }\n  }\n": typeof types.NodesDocument,
    "\n  query UserPosts($handle: String!, $first: Int!, $after: String) {\n    user(handle: $handle) {\n      postCount\n      posts(first: $first, after: $after) {\n        edges {\n          node {\n            title\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.UserPostsDocument,
    "\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      name\n      bio\n      email\n      createdAt\n      postCount\n      posts(first: 2) {\n        edges {\n          node {\n            title\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n": typeof types.UserByHandleDocument,
    "\n  query UsersPage($first: Int, $after: String) {\n    users(first: $first, after: $after) {\n      edges {\n        node {\n          handle\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.UsersPageDocument,
    "\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n  }\n": typeof types.NodeLookupDocument,
    "\n  mutation WorkerReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n": typeof types.WorkerReportDocument,
};
const documents: Documents = {
    "\n  query UserWithDeferredInsights($handle: String!) {\n    user(handle: $handle) {\n      handle\n      ... @defer {\n        insights {\n          location {\n            country\n          }\n          reputation {\n            score\n          }\n        }\n      }\n    }\n  }\n": types.UserWithDeferredInsightsDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        email\n      }\n    }\n  }\n": types.LogInDocument,
    "\n  query Viewer {\n    viewer {\n      handle\n      email\n    }\n  }\n": types.ViewerDocument,
    "\n  query UserHandle($handle: String!) {\n    user(handle: $handle) {\n      handle\n    }\n  }\n": types.UserHandleDocument,
    "\n  mutation FollowByHandle($input: FollowUserInput!) {\n    followUser(input: $input) {\n      ... on FollowUserPayload {\n        user {\n          handle\n        }\n      }\n    }\n  }\n": types.FollowByHandleDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthPayload {\n        token\n        user {\n          id\n          handle\n          email\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on ConflictError {\n        field\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.SignUpDocument,
    "\n  mutation CreatePost($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n            name\n          }\n          author {\n            handle\n          }\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.CreatePostDocument,
    "\n  query Insights($handle: String!) {\n    user(handle: $handle) {\n      insights {\n        reputation {\n          score\n          rank\n        }\n        location {\n          country\n          timezone\n        }\n        badges {\n          id\n          name\n        }\n        activity {\n          commitsLastWeek\n          streakDays\n        }\n        recommendedPosts {\n          title\n        }\n      }\n    }\n  }\n": types.InsightsDocument,
    "\n  query ManyReputations {\n    users(first: 50) {\n      edges {\n        node {\n          handle\n          insights {\n            reputation {\n              score\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ManyReputationsDocument,
    "\n  mutation QueueReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n": types.QueueReportDocument,
    "\n  query QueueJob($id: ID!) {\n    job(id: $id) {\n      status\n      attempts\n      error\n    }\n  }\n": types.QueueJobDocument,
    "\n  query Users { users(first: 2) { edges { node { handle } } } }\n": types.UsersDocument,
    "\n  query PostById($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      body\n      author {\n        handle\n      }\n      tags {\n        slug\n        name\n      }\n      commentCount\n      likeCount\n      viewerHasLiked\n    }\n  }\n": types.PostByIdDocument,
    "\n  mutation UpdatePost($input: UpdatePostInput!) {\n    updatePost(input: $input) {\n      __typename\n      ... on UpdatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n          }\n          updatedAt\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.UpdatePostDocument,
    "\n  mutation CreatePostWithEdge($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n        }\n        postEdge {\n          cursor\n          node {\n            id\n            title\n          }\n        }\n        viewer {\n          handle\n          postCount\n        }\n      }\n    }\n  }\n": types.CreatePostWithEdgeDocument,
    "\n  mutation DeletePost($input: DeletePostInput!) {\n    deletePost(input: $input) {\n      deletedPostId\n      viewer {\n        postCount\n      }\n    }\n  }\n": types.DeletePostDocument,
    "\n  query PostsPage($first: Int, $after: String, $tag: String) {\n    posts(first: $first, after: $after, tag: $tag) {\n      edges {\n        cursor\n        node {\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.PostsPageDocument,
    "\n  query Tags {\n    tags {\n      slug\n      name\n      postCount\n    }\n  }\n": types.TagsDocument,
    "\n  mutation LogInThrottled($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n    }\n  }\n": types.LogInThrottledDocument,
    "\n  mutation RequestSharedReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n": types.RequestSharedReportDocument,
    "\n  query SharedReportStatus($id: ID!) {\n    job(id: $id) {\n      status\n    }\n  }\n": types.SharedReportStatusDocument,
    "\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          kind\n          status\n          progress\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.RequestReportDocument,
    "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n": types.JobByIdDocument,
    "\n  query MyJobs($handle: String!) {\n    user(handle: $handle) {\n      jobs(first: 10) {\n        edges {\n          node {\n            id\n            kind\n          }\n        }\n      }\n    }\n  }\n": types.MyJobsDocument,
    "\n  query Feed {\n    posts(first: 5) {\n      edges {\n        node {\n          id\n          title\n          likeCount\n          commentCount\n          author {\n            handle\n            postCount\n            followerCount\n          }\n          tags {\n            slug\n            postCount\n          }\n        }\n      }\n    }\n  }\n": types.FeedDocument,
    "\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      title\n      likeCount\n      commentCount\n      comments(first: 10) {\n        edges {\n          node {\n            body\n          }\n        }\n      }\n    }\n  }\n": types.PostPageDocument,
    "\n  query CachedProfile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n      posts(first: 5) {\n        edges {\n          node {\n            title\n          }\n        }\n      }\n    }\n  }\n": types.CachedProfileDocument,
    "\n  query Everyone {\n    users(first: 100) {\n      edges {\n        node {\n          handle\n        }\n      }\n    }\n  }\n": types.EveryoneDocument,
    "\n  query Private($id: ID!) {\n    viewer {\n      handle\n      email\n    }\n    post(id: $id) {\n      title\n      viewerHasLiked\n    }\n  }\n": types.PrivateDocument,
    "\n        mutation Rename($input: UpdatePostInput!) {\n          updatePost(input: $input) {\n            __typename\n            ... on UpdatePostPayload {\n              post {\n                id\n              }\n            }\n          }\n        }\n      ": types.RenameDocument,
    "\n        mutation Remove($input: DeletePostInput!) {\n          deletePost(input: $input) {\n            deletedPostId\n          }\n        }\n      ": types.RemoveDocument,
    "\n        mutation Like($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      ": types.LikeDocument,
    "\n        mutation Comment($input: AddCommentInput!) {\n          addComment(input: $input) {\n            __typename\n            ... on AddCommentPayload {\n              comment {\n                id\n              }\n            }\n          }\n        }\n      ": types.CommentDocument,
    "\n        mutation Follow($input: FollowUserInput!) {\n          followUser(input: $input) {\n            __typename\n            ... on FollowUserPayload {\n              user {\n                handle\n              }\n            }\n          }\n        }\n      ": types.FollowDocument,
    "\n        mutation LikeIt($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      ": types.LikeItDocument,
    "\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n": types.LikePostDocument,
    "\n  mutation UnlikePost($input: UnlikePostInput!) {\n    unlikePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n": types.UnlikePostDocument,
    "\n  mutation FollowUser($input: FollowUserInput!) {\n    followUser(input: $input) {\n      __typename\n      ... on FollowUserPayload {\n        user {\n          handle\n          followerCount\n        }\n        viewer {\n          handle\n          followingCount\n        }\n      }\n      ... on InputError {\n        code\n        message\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.FollowUserDocument,
    "\n  mutation UnfollowUser($input: UnfollowUserInput!) {\n    unfollowUser(input: $input) {\n      user {\n        handle\n        followerCount\n      }\n      viewer {\n        followingCount\n      }\n    }\n  }\n": types.UnfollowUserDocument,
    "\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      __typename\n      ... on AddCommentPayload {\n        comment {\n          id\n          body\n          author {\n            handle\n          }\n        }\n        commentEdge {\n          cursor\n          node {\n            id\n          }\n        }\n        post {\n          id\n          commentCount\n        }\n      }\n      ... on InputError {\n        code\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.AddCommentDocument,
    "\n  query PostComments($id: ID!, $first: Int, $after: String) {\n    post(id: $id) {\n      commentCount\n      comments(first: $first, after: $after) {\n        edges {\n          node {\n            body\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.PostCommentsDocument,
    "\n  query Profile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n    }\n  }\n": types.ProfileDocument,
    "\n  query NestedList($users: Int!, $posts: Int!, $comments: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          handle\n          posts(first: $posts) {\n            edges {\n              node {\n                title\n                tags {\n                  name\n                }\n                commentCount\n                likeCount\n                comments(first: $comments) {\n                  edges {\n                    node {\n                      body\n                      author {\n                        handle\n                      }\n                    }\n                  }\n                }\n              }\n            }\n          }\n          followerCount\n        }\n      }\n    }\n  }\n": types.NestedListDocument,
    "\n  query PostsForViewer($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          title\n          author {\n            handle\n          }\n          tags {\n            name\n          }\n          viewerHasLiked\n        }\n      }\n    }\n  }\n": types.PostsForViewerDocument,
    "\n  query TwoAliases($users: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          latest: posts(first: 2) {\n            edges {\n              node {\n                title\n              }\n            }\n          }\n          more: posts(first: 8) {\n            edges {\n              node {\n                title\n              }\n            }\n            pageInfo {\n              hasNextPage\n            }\n          }\n        }\n      }\n    }\n  }\n": types.TwoAliasesDocument,
    "\n  query WithFragments($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          ...PostCard\n          ... on Post {\n            author {\n              handle\n              followerCount\n            }\n            likeCount\n          }\n        }\n      }\n    }\n  }\n  fragment PostCard on Post {\n    title\n    commentCount\n    author {\n      name\n      postCount\n    }\n  }\n": types.WithFragmentsDocument,
    "\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n        postCount\n      }\n      ... on Post {\n        title\n        author {\n          handle\n        }\n      }\n    }\n  }\n": types.NodesDocument,
    "\n  query UserPosts($handle: String!, $first: Int!, $after: String) {\n    user(handle: $handle) {\n      postCount\n      posts(first: $first, after: $after) {\n        edges {\n          node {\n            title\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.UserPostsDocument,
    "\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      name\n      bio\n      email\n      createdAt\n      postCount\n      posts(first: 2) {\n        edges {\n          node {\n            title\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n": types.UserByHandleDocument,
    "\n  query UsersPage($first: Int, $after: String) {\n    users(first: $first, after: $after) {\n      edges {\n        node {\n          handle\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.UsersPageDocument,
    "\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n  }\n": types.NodeLookupDocument,
    "\n  mutation WorkerReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n": types.WorkerReportDocument,
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
export function graphql(source: "\n  query UserWithDeferredInsights($handle: String!) {\n    user(handle: $handle) {\n      handle\n      ... @defer {\n        insights {\n          location {\n            country\n          }\n          reputation {\n            score\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserWithDeferredInsights($handle: String!) {\n    user(handle: $handle) {\n      handle\n      ... @defer {\n        insights {\n          location {\n            country\n          }\n          reputation {\n            score\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n      user {\n        handle\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      handle\n      email\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      handle\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserHandle($handle: String!) {\n    user(handle: $handle) {\n      handle\n    }\n  }\n"): (typeof documents)["\n  query UserHandle($handle: String!) {\n    user(handle: $handle) {\n      handle\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FollowByHandle($input: FollowUserInput!) {\n    followUser(input: $input) {\n      ... on FollowUserPayload {\n        user {\n          handle\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation FollowByHandle($input: FollowUserInput!) {\n    followUser(input: $input) {\n      ... on FollowUserPayload {\n        user {\n          handle\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthPayload {\n        token\n        user {\n          id\n          handle\n          email\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on ConflictError {\n        field\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      __typename\n      ... on AuthPayload {\n        token\n        user {\n          id\n          handle\n          email\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on ConflictError {\n        field\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePost($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n            name\n          }\n          author {\n            handle\n          }\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePost($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n            name\n          }\n          author {\n            handle\n          }\n        }\n      }\n      ... on MutationError {\n        code\n        message\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Insights($handle: String!) {\n    user(handle: $handle) {\n      insights {\n        reputation {\n          score\n          rank\n        }\n        location {\n          country\n          timezone\n        }\n        badges {\n          id\n          name\n        }\n        activity {\n          commitsLastWeek\n          streakDays\n        }\n        recommendedPosts {\n          title\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Insights($handle: String!) {\n    user(handle: $handle) {\n      insights {\n        reputation {\n          score\n          rank\n        }\n        location {\n          country\n          timezone\n        }\n        badges {\n          id\n          name\n        }\n        activity {\n          commitsLastWeek\n          streakDays\n        }\n        recommendedPosts {\n          title\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ManyReputations {\n    users(first: 50) {\n      edges {\n        node {\n          handle\n          insights {\n            reputation {\n              score\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ManyReputations {\n    users(first: 50) {\n      edges {\n        node {\n          handle\n          insights {\n            reputation {\n              score\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation QueueReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation QueueReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QueueJob($id: ID!) {\n    job(id: $id) {\n      status\n      attempts\n      error\n    }\n  }\n"): (typeof documents)["\n  query QueueJob($id: ID!) {\n    job(id: $id) {\n      status\n      attempts\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users { users(first: 2) { edges { node { handle } } } }\n"): (typeof documents)["\n  query Users { users(first: 2) { edges { node { handle } } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PostById($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      body\n      author {\n        handle\n      }\n      tags {\n        slug\n        name\n      }\n      commentCount\n      likeCount\n      viewerHasLiked\n    }\n  }\n"): (typeof documents)["\n  query PostById($id: ID!) {\n    post(id: $id) {\n      id\n      title\n      body\n      author {\n        handle\n      }\n      tags {\n        slug\n        name\n      }\n      commentCount\n      likeCount\n      viewerHasLiked\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePost($input: UpdatePostInput!) {\n    updatePost(input: $input) {\n      __typename\n      ... on UpdatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n          }\n          updatedAt\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdatePost($input: UpdatePostInput!) {\n    updatePost(input: $input) {\n      __typename\n      ... on UpdatePostPayload {\n        post {\n          id\n          title\n          body\n          tags {\n            slug\n          }\n          updatedAt\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePostWithEdge($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n        }\n        postEdge {\n          cursor\n          node {\n            id\n            title\n          }\n        }\n        viewer {\n          handle\n          postCount\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePostWithEdge($input: CreatePostInput!) {\n    createPost(input: $input) {\n      __typename\n      ... on CreatePostPayload {\n        post {\n          id\n        }\n        postEdge {\n          cursor\n          node {\n            id\n            title\n          }\n        }\n        viewer {\n          handle\n          postCount\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeletePost($input: DeletePostInput!) {\n    deletePost(input: $input) {\n      deletedPostId\n      viewer {\n        postCount\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeletePost($input: DeletePostInput!) {\n    deletePost(input: $input) {\n      deletedPostId\n      viewer {\n        postCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PostsPage($first: Int, $after: String, $tag: String) {\n    posts(first: $first, after: $after, tag: $tag) {\n      edges {\n        cursor\n        node {\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query PostsPage($first: Int, $after: String, $tag: String) {\n    posts(first: $first, after: $after, tag: $tag) {\n      edges {\n        cursor\n        node {\n          title\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tags {\n    tags {\n      slug\n      name\n      postCount\n    }\n  }\n"): (typeof documents)["\n  query Tags {\n    tags {\n      slug\n      name\n      postCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogInThrottled($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n    }\n  }\n"): (typeof documents)["\n  mutation LogInThrottled($input: LogInInput!) {\n    logIn(input: $input) {\n      token\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestSharedReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestSharedReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SharedReportStatus($id: ID!) {\n    job(id: $id) {\n      status\n    }\n  }\n"): (typeof documents)["\n  query SharedReportStatus($id: ID!) {\n    job(id: $id) {\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          kind\n          status\n          progress\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n          kind\n          status\n          progress\n        }\n      }\n      ... on InputError {\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n"): (typeof documents)["\n  query JobById($id: ID!) {\n    job(id: $id) {\n      id\n      status\n      progress\n      result\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyJobs($handle: String!) {\n    user(handle: $handle) {\n      jobs(first: 10) {\n        edges {\n          node {\n            id\n            kind\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyJobs($handle: String!) {\n    user(handle: $handle) {\n      jobs(first: 10) {\n        edges {\n          node {\n            id\n            kind\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Feed {\n    posts(first: 5) {\n      edges {\n        node {\n          id\n          title\n          likeCount\n          commentCount\n          author {\n            handle\n            postCount\n            followerCount\n          }\n          tags {\n            slug\n            postCount\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Feed {\n    posts(first: 5) {\n      edges {\n        node {\n          id\n          title\n          likeCount\n          commentCount\n          author {\n            handle\n            postCount\n            followerCount\n          }\n          tags {\n            slug\n            postCount\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      title\n      likeCount\n      commentCount\n      comments(first: 10) {\n        edges {\n          node {\n            body\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PostPage($id: ID!) {\n    post(id: $id) {\n      title\n      likeCount\n      commentCount\n      comments(first: 10) {\n        edges {\n          node {\n            body\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CachedProfile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n      posts(first: 5) {\n        edges {\n          node {\n            title\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CachedProfile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n      posts(first: 5) {\n        edges {\n          node {\n            title\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Everyone {\n    users(first: 100) {\n      edges {\n        node {\n          handle\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Everyone {\n    users(first: 100) {\n      edges {\n        node {\n          handle\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Private($id: ID!) {\n    viewer {\n      handle\n      email\n    }\n    post(id: $id) {\n      title\n      viewerHasLiked\n    }\n  }\n"): (typeof documents)["\n  query Private($id: ID!) {\n    viewer {\n      handle\n      email\n    }\n    post(id: $id) {\n      title\n      viewerHasLiked\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation Rename($input: UpdatePostInput!) {\n          updatePost(input: $input) {\n            __typename\n            ... on UpdatePostPayload {\n              post {\n                id\n              }\n            }\n          }\n        }\n      "): (typeof documents)["\n        mutation Rename($input: UpdatePostInput!) {\n          updatePost(input: $input) {\n            __typename\n            ... on UpdatePostPayload {\n              post {\n                id\n              }\n            }\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation Remove($input: DeletePostInput!) {\n          deletePost(input: $input) {\n            deletedPostId\n          }\n        }\n      "): (typeof documents)["\n        mutation Remove($input: DeletePostInput!) {\n          deletePost(input: $input) {\n            deletedPostId\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation Like($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      "): (typeof documents)["\n        mutation Like($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation Comment($input: AddCommentInput!) {\n          addComment(input: $input) {\n            __typename\n            ... on AddCommentPayload {\n              comment {\n                id\n              }\n            }\n          }\n        }\n      "): (typeof documents)["\n        mutation Comment($input: AddCommentInput!) {\n          addComment(input: $input) {\n            __typename\n            ... on AddCommentPayload {\n              comment {\n                id\n              }\n            }\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation Follow($input: FollowUserInput!) {\n          followUser(input: $input) {\n            __typename\n            ... on FollowUserPayload {\n              user {\n                handle\n              }\n            }\n          }\n        }\n      "): (typeof documents)["\n        mutation Follow($input: FollowUserInput!) {\n          followUser(input: $input) {\n            __typename\n            ... on FollowUserPayload {\n              user {\n                handle\n              }\n            }\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation LikeIt($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      "): (typeof documents)["\n        mutation LikeIt($input: LikePostInput!) {\n          likePost(input: $input) {\n            post {\n              id\n            }\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation LikePost($input: LikePostInput!) {\n    likePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlikePost($input: UnlikePostInput!) {\n    unlikePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UnlikePost($input: UnlikePostInput!) {\n    unlikePost(input: $input) {\n      post {\n        id\n        likeCount\n        viewerHasLiked\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FollowUser($input: FollowUserInput!) {\n    followUser(input: $input) {\n      __typename\n      ... on FollowUserPayload {\n        user {\n          handle\n          followerCount\n        }\n        viewer {\n          handle\n          followingCount\n        }\n      }\n      ... on InputError {\n        code\n        message\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation FollowUser($input: FollowUserInput!) {\n    followUser(input: $input) {\n      __typename\n      ... on FollowUserPayload {\n        user {\n          handle\n          followerCount\n        }\n        viewer {\n          handle\n          followingCount\n        }\n      }\n      ... on InputError {\n        code\n        message\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnfollowUser($input: UnfollowUserInput!) {\n    unfollowUser(input: $input) {\n      user {\n        handle\n        followerCount\n      }\n      viewer {\n        followingCount\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UnfollowUser($input: UnfollowUserInput!) {\n    unfollowUser(input: $input) {\n      user {\n        handle\n        followerCount\n      }\n      viewer {\n        followingCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      __typename\n      ... on AddCommentPayload {\n        comment {\n          id\n          body\n          author {\n            handle\n          }\n        }\n        commentEdge {\n          cursor\n          node {\n            id\n          }\n        }\n        post {\n          id\n          commentCount\n        }\n      }\n      ... on InputError {\n        code\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation AddComment($input: AddCommentInput!) {\n    addComment(input: $input) {\n      __typename\n      ... on AddCommentPayload {\n        comment {\n          id\n          body\n          author {\n            handle\n          }\n        }\n        commentEdge {\n          cursor\n          node {\n            id\n          }\n        }\n        post {\n          id\n          commentCount\n        }\n      }\n      ... on InputError {\n        code\n        issues {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PostComments($id: ID!, $first: Int, $after: String) {\n    post(id: $id) {\n      commentCount\n      comments(first: $first, after: $after) {\n        edges {\n          node {\n            body\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PostComments($id: ID!, $first: Int, $after: String) {\n    post(id: $id) {\n      commentCount\n      comments(first: $first, after: $after) {\n        edges {\n          node {\n            body\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Profile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n    }\n  }\n"): (typeof documents)["\n  query Profile($handle: String!) {\n    user(handle: $handle) {\n      handle\n      followerCount\n      followingCount\n      postCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NestedList($users: Int!, $posts: Int!, $comments: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          handle\n          posts(first: $posts) {\n            edges {\n              node {\n                title\n                tags {\n                  name\n                }\n                commentCount\n                likeCount\n                comments(first: $comments) {\n                  edges {\n                    node {\n                      body\n                      author {\n                        handle\n                      }\n                    }\n                  }\n                }\n              }\n            }\n          }\n          followerCount\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query NestedList($users: Int!, $posts: Int!, $comments: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          handle\n          posts(first: $posts) {\n            edges {\n              node {\n                title\n                tags {\n                  name\n                }\n                commentCount\n                likeCount\n                comments(first: $comments) {\n                  edges {\n                    node {\n                      body\n                      author {\n                        handle\n                      }\n                    }\n                  }\n                }\n              }\n            }\n          }\n          followerCount\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PostsForViewer($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          title\n          author {\n            handle\n          }\n          tags {\n            name\n          }\n          viewerHasLiked\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PostsForViewer($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          title\n          author {\n            handle\n          }\n          tags {\n            name\n          }\n          viewerHasLiked\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TwoAliases($users: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          latest: posts(first: 2) {\n            edges {\n              node {\n                title\n              }\n            }\n          }\n          more: posts(first: 8) {\n            edges {\n              node {\n                title\n              }\n            }\n            pageInfo {\n              hasNextPage\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TwoAliases($users: Int!) {\n    users(first: $users) {\n      edges {\n        node {\n          latest: posts(first: 2) {\n            edges {\n              node {\n                title\n              }\n            }\n          }\n          more: posts(first: 8) {\n            edges {\n              node {\n                title\n              }\n            }\n            pageInfo {\n              hasNextPage\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WithFragments($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          ...PostCard\n          ... on Post {\n            author {\n              handle\n              followerCount\n            }\n            likeCount\n          }\n        }\n      }\n    }\n  }\n  fragment PostCard on Post {\n    title\n    commentCount\n    author {\n      name\n      postCount\n    }\n  }\n"): (typeof documents)["\n  query WithFragments($first: Int!) {\n    posts(first: $first) {\n      edges {\n        node {\n          ...PostCard\n          ... on Post {\n            author {\n              handle\n              followerCount\n            }\n            likeCount\n          }\n        }\n      }\n    }\n  }\n  fragment PostCard on Post {\n    title\n    commentCount\n    author {\n      name\n      postCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n        postCount\n      }\n      ... on Post {\n        title\n        author {\n          handle\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n        postCount\n      }\n      ... on Post {\n        title\n        author {\n          handle\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserPosts($handle: String!, $first: Int!, $after: String) {\n    user(handle: $handle) {\n      postCount\n      posts(first: $first, after: $after) {\n        edges {\n          node {\n            title\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserPosts($handle: String!, $first: Int!, $after: String) {\n    user(handle: $handle) {\n      postCount\n      posts(first: $first, after: $after) {\n        edges {\n          node {\n            title\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      name\n      bio\n      email\n      createdAt\n      postCount\n      posts(first: 2) {\n        edges {\n          node {\n            title\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserByHandle($handle: String!) {\n    user(handle: $handle) {\n      id\n      handle\n      name\n      bio\n      email\n      createdAt\n      postCount\n      posts(first: 2) {\n        edges {\n          node {\n            title\n            author {\n              handle\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersPage($first: Int, $after: String) {\n    users(first: $first, after: $after) {\n      edges {\n        node {\n          handle\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsersPage($first: Int, $after: String) {\n    users(first: $first, after: $after) {\n      edges {\n        node {\n          handle\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n  }\n"): (typeof documents)["\n  query NodeLookup($id: ID!, $ids: [ID!]!) {\n    node(id: $id) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n    nodes(ids: $ids) {\n      id\n      ... on User {\n        handle\n      }\n      ... on Post {\n        title\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WorkerReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation WorkerReport($input: RequestActivityReportInput!) {\n    requestActivityReport(input: $input) {\n      __typename\n      ... on RequestActivityReportPayload {\n        job {\n          id\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;