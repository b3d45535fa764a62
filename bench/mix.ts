// Read-heavy traffic for the response cache, run as its own process: many logged-in users,
// 95% reads of a hot set, 5% writes. Every read that no write overlapped is checked against
// an uncached server (the database's truth); a difference is a stale read.
// usage: mix.ts <target graphql url> <checker graphql url | -> <seconds> <concurrency>

const [target, checker, secondsArg, concurrencyArg] = process.argv.slice(2);
if (!target) throw new Error("usage: mix.ts <target> <checker|-> <seconds> <concurrency>");
const seconds = Number(secondsArg ?? 10);
const concurrency = Number(concurrencyArg ?? 8);
const USERS = 40;
const HOT_POSTS = 60;

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const timing = response.headers.get("server-timing") ?? "";
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return {
    data: body.data,
    hit: timing.includes('cache;desc="hit"'),
    statements: Number(timing.match(/desc="(\d+) statement/)?.[1] ?? 0),
  };
}

const tokens: string[] = [];
for (let i = 1; i <= USERS; i++) {
  const login = await gql(
    target,
    `mutation($e: String!) { logIn(input: { email: $e, password: "password" }) { token } }`,
    {
      e: `user${i}@example.com`,
    },
  );
  tokens.push((login.data as { logIn: { token: string } }).logIn.token);
}
const hotPosts = (
  (await gql(target, `{ posts(first: ${HOT_POSTS}) { edges { node { id } } } }`)).data as {
    posts: { edges: { node: { id: string } }[] };
  }
).posts.edges.map((edge) => edge.node.id);
const handles = Array.from({ length: 20 }, (_, i) => `user${i + 1}`);

const READS = [
  {
    weight: 3,
    query: `query Feed { posts(first: 10) { edges { node { id title likeCount commentCount author { handle } tags { slug } } } } }`,
    variables: () => ({}),
  },
  {
    weight: 4,
    query: `query PostPage($id: ID!) { post(id: $id) { title likeCount commentCount comments(first: 5) { edges { node { body author { handle } } } } } }`,
    variables: () => ({ id: pick(hotPosts) }),
  },
  {
    weight: 2,
    query: `query Profile($h: String!) { user(handle: $h) { handle followerCount followingCount postCount posts(first: 3) { edges { node { title } } } } }`,
    variables: () => ({ h: pick(handles) }),
  },
  { weight: 1, query: `query Me { viewer { handle email followingCount } }`, variables: () => ({}) },
];
const WRITES = [
  {
    weight: 5,
    query: `mutation($p: ID!) { likePost(input: { postId: $p }) { post { id } } }`,
    variables: () => ({ p: pick(hotPosts) }),
  },
  {
    weight: 3,
    query: `mutation($p: ID!) { unlikePost(input: { postId: $p }) { post { id } } }`,
    variables: () => ({ p: pick(hotPosts) }),
  },
  {
    weight: 2,
    query: `mutation($p: ID!) { addComment(input: { postId: $p, body: "bench" }) { ... on AddCommentPayload { comment { id } } } }`,
    variables: () => ({ p: pick(hotPosts) }),
  },
  {
    weight: 2,
    query: `mutation($h: String!) { followUser(input: { handle: $h }) { ... on FollowUserPayload { user { handle } } } }`,
    variables: () => ({ h: pick(handles) }),
  },
  {
    weight: 1,
    query: `mutation { createPost(input: { title: "bench post", body: "b" }) { ... on CreatePostPayload { post { id } } } }`,
    variables: () => ({}),
  },
];
const weighted = <T extends { weight: number }>(items: T[]) =>
  items.flatMap((item) => Array(item.weight).fill(item) as T[]);
const readMix = weighted(READS);
const writeMix = weighted(WRITES);

let writesStarted = 0;
let writesDone = 0;
const stats = { reads: 0, writes: 0, hits: 0, statements: 0, checked: 0, stale: 0, unverifiable: 0, errors: 0 };
const deadline = Date.now() + seconds * 1000;

async function virtualUser() {
  while (Date.now() < deadline) {
    const token = pick(tokens);
    try {
      if (random() < 0.05) {
        const write = pick(writeMix);
        writesStarted++;
        try {
          await gql(target as string, write.query, write.variables(), token);
        } finally {
          writesDone++;
        }
        stats.writes++;
        continue;
      }
      const read = pick(readMix);
      const variables = read.variables();
      const before = [writesStarted, writesDone];
      const result = await gql(target as string, read.query, variables, token);
      stats.reads++;
      stats.statements += result.statements;
      if (result.hit) stats.hits++;
      if (checker && checker !== "-") {
        const truth = await gql(checker, read.query, variables, token);
        const quiet = before[0] === before[1] && writesStarted === before[0] && writesDone === before[1];
        if (!quiet) stats.unverifiable++;
        else {
          stats.checked++;
          if (JSON.stringify(truth.data) !== JSON.stringify(result.data)) stats.stale++;
        }
      }
    } catch {
      stats.errors++;
    }
  }
}

const started = Date.now();
await Promise.all(Array.from({ length: concurrency }, () => virtualUser()));
const elapsed = (Date.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({
    ...stats,
    readsPerSecond: stats.reads / elapsed,
    hitRatio: stats.reads ? stats.hits / stats.reads : 0,
    statementsPerRead: stats.reads ? stats.statements / stats.reads : 0,
  }),
);
