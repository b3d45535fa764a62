import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import type { Random } from "./random.ts";

// What the data should be, kept beside the servers: every write the generator sends is applied here
// when it succeeds, so the next SQL snapshot can be compared with it row for row.

export interface Account {
  id: number;
  handle: string;
  email: string;
  password: string;
  /** Tokens from signUp and logIn: several per user, all the same viewer. */
  tokens: string[];
}

interface PostRow {
  authorId: number;
  title: string;
  body: string;
  /** Slugs, as the post's input named them. */
  tags: string[];
}

interface CommentRow {
  postId: number;
  authorId: number;
  body: string;
}

export type Intent =
  | { kind: "likePost" | "unlikePost"; postId: string }
  | { kind: "followUser" | "unfollowUser"; handle: string }
  | { kind: "createPost"; title: string; body: string; tags?: string[] | null }
  | { kind: "updatePost"; id: string; title?: string | null; body?: string | null; tags?: string[] | null }
  | { kind: "deletePost"; id: string }
  | { kind: "addComment"; postId: string; body: string }
  | { kind: "logIn"; email: string; password: string };

/** What a write should answer: done, or refused with this code (and then nothing changes). */
export type Outcome = { ok: true } | { ok: false; code: string };

export const TAG_NAMES = ["GraphQL", "graphql", "Node.js", "TypeScript", "C#", "postgres", "Rust", "  spaced  "];
const TITLES = ["Hello", "Caching considered", "N+1, again", "  padded title  ", "Unicode: 速度 🙂", "", "   "];
const BODIES = ["Some text.", "Line one\nline two", "  trimmed  ", "<b>not html</b>", "", "x".repeat(300)];
const COMMENTS = ["First!", "Agreed.", "  spaced  ", "🙂", "", 'quote " and backslash \\'];

const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9+#]+/g, "-")
    .replace(/^-+|-+$/g, "");
const validText = (text: string | null | undefined, max: number) =>
  text === null || text === undefined || (text.trim().length >= 1 && text.trim().length <= max);

export class World {
  readonly accounts: Account[] = [];
  readonly #posts = new Map<number, PostRow>();
  readonly #deletedPosts: number[] = [];
  readonly #comments = new Map<number, CommentRow>();
  readonly #likes = new Set<string>();
  readonly #follows = new Set<string>();
  /** Slug -> the name it was first written with; tags stay when their posts go. */
  readonly #tags = new Map<string, string>();

  addAccount(account: Account): void {
    this.accounts.push(account);
  }

  /** Whether the write would succeed for this viewer (null: anonymous), and if not, with which code. */
  predict(intent: Intent, viewer: Account | null): Outcome {
    if (intent.kind === "logIn") {
      const account = this.accounts.find((a) => a.email === intent.email.trim().toLowerCase());
      return account && account.password === intent.password ? { ok: true } : { ok: false, code: "UNAUTHENTICATED" };
    }
    if (!viewer) return { ok: false, code: "UNAUTHENTICATED" };
    const refused = (code: string): Outcome => ({ ok: false, code });
    switch (intent.kind) {
      case "likePost":
      case "unlikePost":
      case "addComment":
        if (intent.kind === "addComment" && !validText(intent.body, 5_000)) return refused("BAD_USER_INPUT");
        return this.#post(intent.postId) ? { ok: true } : refused("NOT_FOUND");
      case "followUser":
      case "unfollowUser": {
        const followee = this.#account(intent.handle);
        if (!followee) return refused("NOT_FOUND");
        return intent.kind === "followUser" && followee.id === viewer.id ? refused("BAD_USER_INPUT") : { ok: true };
      }
      case "createPost":
      case "updatePost": {
        const tagsValid = !intent.tags || (intent.tags.length <= 10 && intent.tags.every((tag) => validText(tag, 40)));
        const required = intent.kind === "createPost";
        if (
          (required && (intent.title === null || intent.body === null)) ||
          !validText(intent.title, 200) ||
          !validText(intent.body, 50_000) ||
          !tagsValid
        )
          return refused("BAD_USER_INPUT");
        if (intent.kind === "createPost") return { ok: true };
        return this.#authorCheck(intent.id, viewer);
      }
      case "deletePost":
        return this.#authorCheck(intent.id, viewer);
    }
  }

  /** Records a write that succeeded; `created` is the global id the server gave a new post or comment. */
  apply(intent: Intent, viewer: Account | null, created?: string): void {
    const userId = viewer?.id ?? 0;
    switch (intent.kind) {
      case "likePost":
        this.#likes.add(`${userId}:${this.#postNumber(intent.postId)}`);
        break;
      case "unlikePost":
        this.#likes.delete(`${userId}:${this.#postNumber(intent.postId)}`);
        break;
      case "followUser":
        this.#follows.add(`${userId}:${this.#account(intent.handle)?.id}`);
        break;
      case "unfollowUser":
        this.#follows.delete(`${userId}:${this.#account(intent.handle)?.id}`);
        break;
      case "createPost":
        this.#posts.set(this.#createdNumber(created, "Post"), {
          authorId: userId,
          title: intent.title.trim(),
          body: intent.body.trim(),
          tags: this.#tagSlugs(intent.tags ?? []),
        });
        break;
      case "updatePost": {
        const post = this.#post(intent.id) as PostRow;
        if (intent.title != null) post.title = intent.title.trim();
        if (intent.body != null) post.body = intent.body.trim();
        if (intent.tags) post.tags = this.#tagSlugs(intent.tags);
        break;
      }
      case "deletePost": {
        const id = this.#postNumber(intent.id);
        this.#posts.delete(id);
        this.#deletedPosts.push(id);
        for (const [commentId, comment] of this.#comments) if (comment.postId === id) this.#comments.delete(commentId);
        for (const like of this.#likes) if (like.endsWith(`:${id}`)) this.#likes.delete(like);
        break;
      }
      case "addComment":
        this.#comments.set(this.#createdNumber(created, "Comment"), {
          postId: this.#postNumber(intent.postId),
          authorId: userId,
          body: intent.body.trim(),
        });
        break;
      case "logIn":
        break;
    }
  }

  /** The rows SQL should hold, one line each, in the order sql-truth.ts reads them. */
  expectedRows(): Record<string, string[]> {
    const posts = [...this.#posts].sort(([a], [b]) => a - b);
    const count = <T>(items: Iterable<T>, keep: (item: T) => boolean) => [...items].filter(keep).length;
    return {
      users: [...this.accounts]
        .sort((a, b) => a.id - b.id)
        .map(
          (a) =>
            `user ${a.id} @${a.handle} posts=${count(this.#posts.values(), (p) => p.authorId === a.id)} ` +
            `followers=${count(this.#follows, (f) => f.endsWith(`:${a.id}`))} following=${count(this.#follows, (f) => f.startsWith(`${a.id}:`))}`,
        ),
      posts: posts.map(
        ([id, post]) =>
          `post ${id} by ${post.authorId} ${JSON.stringify(post.title)} ${JSON.stringify(post.body)} ` +
          `likes=${count(this.#likes, (l) => l.endsWith(`:${id}`))} comments=${count(this.#comments.values(), (c) => c.postId === id)}`,
      ),
      postTags: posts.flatMap(([id, post]) => [...post.tags].sort().map((slug) => `post ${id} tag ${slug}`)),
      tags: [...this.#tags]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(
          ([slug, name]) =>
            `tag ${slug} ${JSON.stringify(name)} posts=${count(this.#posts.values(), (p) => p.tags.includes(slug))}`,
        ),
      likes: [...this.#likes].sort(byNumbers).map((like) => `like ${like}`),
      follows: [...this.#follows].sort(byNumbers).map((follow) => `follow ${follow}`),
      comments: [...this.#comments]
        .sort(([a], [b]) => a - b)
        .map(([id, c]) => `comment ${id} on ${c.postId} by ${c.authorId} ${JSON.stringify(c.body)}`),
    };
  }

  /** Values drawn from what exists now (mostly) and from what does not (sometimes). */
  picker(random: Random) {
    const postIds = () => [...this.#posts.keys()];
    return {
      postId: (): string => {
        const deleted = this.#deletedPosts.length > 0 && random.chance(0.1);
        const live = postIds();
        if (deleted || live.length === 0) return encodeGlobalID("Post", random.pick([...this.#deletedPosts, 999_999]));
        return encodeGlobalID("Post", random.pick(live));
      },
      handle: (): string => (random.chance(0.08) ? "nobody_here" : random.pick(this.accounts).handle),
      first: (): number => random.pick([1, 2, 3, 5, 10]),
      /** A page cursor as connections write them ("id:<n>"), of a post or user that may or may not exist. */
      cursor: (): string => Buffer.from(`id:${1 + random.int(this.#posts.size + 6)}`).toString("base64url"),
      flag: (): boolean => random.chance(0.5),
      tagSlug: (): string => (random.chance(0.1) ? "no-such-tag" : random.pick([...this.#tags.keys(), "graphql"])),
      nodeIds: (): string[] => {
        const candidates = [
          ...postIds().map((id) => encodeGlobalID("Post", id)),
          ...this.accounts.map((a) => encodeGlobalID("User", a.id)),
          ...[...this.#comments.keys()].map((id) => encodeGlobalID("Comment", id)),
          ...this.#deletedPosts.map((id) => encodeGlobalID("Post", id)),
          encodeGlobalID("Tag", 1),
          encodeGlobalID("Job", 1),
        ];
        const ids = random.some(candidates, 4);
        if (random.chance(0.05)) ids.push("not-a-global-id");
        return ids;
      },
      title: (): string =>
        random.chance(0.9) ? `${random.pick(TITLES.slice(0, 5))} ${random.int(100)}` : random.pick(TITLES),
      body: (): string => (random.chance(0.9) ? random.pick(BODIES.slice(0, 4)) : random.pick(BODIES)),
      tagNames: (): string[] => (random.chance(0.3) ? [] : random.some(TAG_NAMES, 3)),
      commentBody: (): string => (random.chance(0.9) ? random.pick(COMMENTS.slice(0, 4)) : random.pick(COMMENTS)),
      email: (): string => {
        const email = random.pick(this.accounts).email;
        return random.chance(0.2) ? ` ${email.toUpperCase()} ` : email;
      },
      password: (): string => (random.chance(0.15) ? "wrong password" : "correct horse"),
    };
  }

  #authorCheck(id: string, viewer: Account): Outcome {
    const post = this.#post(id);
    if (!post) return { ok: false, code: "NOT_FOUND" };
    return post.authorId === viewer.id ? { ok: true } : { ok: false, code: "FORBIDDEN" };
  }

  #postNumber(globalId: string): number {
    return Number(decodeGlobalID(globalId).id);
  }

  #post(globalId: string): PostRow | undefined {
    return this.#posts.get(this.#postNumber(globalId));
  }

  #account(handle: string): Account | undefined {
    return this.accounts.find((a) => a.handle === handle);
  }

  #createdNumber(globalId: string | undefined, typename: string): number {
    if (!globalId) throw new Error(`the server did not say which ${typename} it created`);
    const decoded = decodeGlobalID(globalId);
    if (decoded.typename !== typename) throw new Error(`created ${decoded.typename}, not ${typename}`);
    return Number(decoded.id);
  }

  /** The input's tags as the server keeps them: trimmed, one per slug (first name wins), empty slugs dropped. */
  #tagSlugs(names: string[]): string[] {
    const slugs: string[] = [];
    for (const raw of names) {
      const name = raw.trim();
      const slug = slugify(name);
      if (slug === "" || slugs.includes(slug)) continue;
      slugs.push(slug);
      if (!this.#tags.has(slug)) this.#tags.set(slug, name);
    }
    return slugs;
  }
}

const byNumbers = (a: string, b: string) => {
  const [a1, a2] = a.split(":").map(Number) as [number, number];
  const [b1, b2] = b.split(":").map(Number) as [number, number];
  return a1 - b1 || a2 - b2;
};
