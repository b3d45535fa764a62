import { comparable, errorCodesOf, problemsOf } from "./compare.ts";
import {
  generateDocument,
  generateToggle,
  intentOf,
  type Operation,
  pinned,
  rebind,
  verificationRead,
} from "./generator.ts";
import type { Instance } from "./instances.ts";
import type { Random } from "./random.ts";
import { rowDifferences, type createSqlTruth } from "./sql-truth.ts";
import { type Answer, type Request, TRANSPORTS, type TransportName } from "./transports.ts";
import type { Account, World } from "./world.ts";

// One step at a time: a read sent to a cached instance and to the reference, answers compared; a
// burst of identical concurrent reads; or a write sent to a cached instance, its answer checked
// against the world's prediction and a read of the reference, and SQL checked against the world.
// Steps never overlap, so every read is compared with a reference answer made after the last write.

interface Viewer {
  account: Account | null;
  token: string | null;
  label: string;
}

export interface Figures {
  steps: number;
  sent: Record<string, number>;
  readsCompared: number;
  bursts: number;
  /** Identical concurrent reads to one instance that ran SQL beyond the first one. */
  burstDuplicateSqlRuns: number;
  toggles: number;
  writesChecked: number;
  writesRefused: number;
  /** Writes whose document was over a limit (depth, aliases, cost...): refused whole, nothing written. */
  documentsRefused: number;
  persistedSent: number;
  multiOperation: number;
  cacheHits: number;
  cacheMisses: number;
  differences: number;
}

/** The first thing found wrong, with all it takes to see it and replay it. */
export class DifferentialFailure extends Error {
  override name = "DifferentialFailure";
}

const POOL_SIZE = 40;
/** Codes of a document refused as a whole, before execution, whatever operation it selects. */
const DOCUMENT_LIMITS = new Set([
  "ALIAS_LIMIT_EXCEEDED",
  "COST_LIMIT_EXCEEDED",
  "DEPTH_LIMIT_EXCEEDED",
  "DIRECTIVE_LIMIT_EXCEEDED",
  "TOKEN_LIMIT_EXCEEDED",
]);
const BAD_TOKEN = "not.a.valid.token";

export class DifferentialRun {
  readonly figures: Figures = {
    steps: 0,
    sent: {},
    readsCompared: 0,
    bursts: 0,
    burstDuplicateSqlRuns: 0,
    toggles: 0,
    writesChecked: 0,
    writesRefused: 0,
    documentsRefused: 0,
    persistedSent: 0,
    multiOperation: 0,
    cacheHits: 0,
    cacheMisses: 0,
    differences: 0,
  };
  readonly #reads: Operation[] = [];
  readonly #writes: Operation[] = [];
  readonly #toggles: { first: Operation; second: Operation; postId: string; handle: string }[] = [];
  #step = 0;

  readonly random: Random;
  readonly seed: number;
  readonly world: World;
  readonly cached: readonly Instance[];
  readonly reference: Instance;
  readonly sql: ReturnType<typeof createSqlTruth>;
  /** Operations of the trusted-documents manifest the instances were started with. */
  readonly persisted: readonly Operation[];

  constructor(options: {
    random: Random;
    seed: number;
    world: World;
    cached: readonly Instance[];
    reference: Instance;
    sql: ReturnType<typeof createSqlTruth>;
    persisted: readonly Operation[];
  }) {
    this.random = options.random;
    this.seed = options.seed;
    this.world = options.world;
    this.cached = options.cached;
    this.reference = options.reference;
    this.sql = options.sql;
    this.persisted = options.persisted;
  }

  async step(index: number): Promise<void> {
    this.#step = index;
    this.figures.steps = index + 1;
    const roll = this.random.next();
    if (roll < 0.28) await this.#write();
    else if (roll < 0.36) await this.#toggle();
    else if (roll < 0.43) await this.#burst();
    else await this.#read();
    for (const instance of [...this.cached, this.reference]) {
      if (instance.endpoint.abnormalCloses.length > 0)
        this.#fail(
          `a graphql-ws socket of ${instance.name} closed: ${instance.endpoint.abnormalCloses.join(", ")}`,
          [],
        );
    }
  }

  async #read(): Promise<void> {
    const operation = this.#operation("query");
    const viewer = this.#viewer(false);
    const transport = this.random.pick(TRANSPORTS);
    const request = this.#request(operation, viewer);
    // Sometimes both cached instances, one after the other: the second may answer from what the first stored.
    const targets = this.random.chance(0.3) ? [...this.cached] : [this.random.pick(this.cached)];
    for (const target of targets) {
      const [answer, expected] = await Promise.all([
        this.#send(target, transport, request),
        this.#send(this.reference, transport, request),
      ]);
      this.#compare(target, transport, operation, viewer, answer, expected);
    }
  }

  /** Identical reads at once to the cached instances (a cold key mostly): each must be the reference's answer. */
  async #burst(): Promise<void> {
    this.figures.bursts++;
    const operation = this.#operation("query");
    const viewer = this.#viewer(false);
    const transport = this.random.pick(TRANSPORTS);
    const request = this.#request(operation, viewer);
    const targets = Array.from({ length: 2 + this.random.int(5) }, () => this.random.pick(this.cached));
    const answers = await Promise.all(targets.map((target) => this.#send(target, transport, request)));
    const expected = await this.#send(this.reference, transport, request);
    // Single flight (issue 22, finding 7): identical concurrent misses run once per instance. An
    // answer with errors is never stored, so the requests that waited for it run on their own.
    for (const instance of this.cached) {
      const mine = answers.filter((_answer, i) => targets[i] === instance);
      const ran = mine.filter((answer) => (answer.statements ?? 0) > 0).length;
      this.figures.burstDuplicateSqlRuns += Math.max(0, ran - 1);
      const misses = mine.filter((answer) => answer.cache === "miss" && !answer.body?.errors?.length).length;
      if (misses > 1 && mine.every((answer) => !answer.body?.errors?.length))
        this.#fail(`${misses} identical concurrent reads to ${instance.name} each missed the cache`, [
          `document: ${operation.text}`,
        ]);
    }
    answers.forEach((answer, i) =>
      this.#compare(
        targets[i] as Instance,
        transport,
        operation,
        viewer,
        answer,
        expected,
        `burst ${i + 1}/${answers.length}`,
      ),
    );
  }

  async #write(): Promise<void> {
    await this.#checkWrite(this.#operation("mutation"), this.#viewer(true));
  }

  /**
   * A write, the write that undoes it, and the first again, by one viewer with the same input
   * (the same document, operationName and variables each time): each must reach SQL.
   */
  async #toggle(): Promise<void> {
    this.figures.toggles++;
    const random = this.random;
    const picker = this.world.picker(random);
    let toggle = this.#toggles.length > 0 && random.chance(0.6) ? random.pick(this.#toggles) : undefined;
    if (!toggle) {
      const [postId, handle] = [picker.postId(), picker.handle()];
      const [first, second] = generateToggle(random, pinned(picker, postId, handle));
      toggle = { first, second, postId, handle };
      this.#toggles.push(toggle);
      if (this.#toggles.length > POOL_SIZE) this.#toggles.shift();
    }
    const bound = pinned(picker, toggle.postId, toggle.handle);
    const [first, second] = [rebind(toggle.first, bound, random), rebind(toggle.second, bound, random)];
    const account = random.pick(this.world.accounts);
    const viewer = { account, token: random.pick(account.tokens), label: `@${account.handle}` };
    for (const operation of [first, second, first]) await this.#checkWrite(operation, viewer);
  }

  async #checkWrite(operation: Operation, viewer: Viewer): Promise<void> {
    const transport = this.random.pick(["post", "sse", "ws"] as const);
    const target = this.random.pick(this.cached);
    const [write] = operation.writes;
    if (!write || operation.writes.length !== 1) throw new Error("the generator writes one root field per mutation");
    const intent = intentOf(write, operation.variables);
    const outcome = this.world.predict(intent, viewer.account);
    const answer = await this.#send(target, transport, this.#request(operation, viewer));
    const context = () => [
      `write: ${JSON.stringify(intent)} by ${viewer.label}, expected ${outcome.ok ? "to succeed" : `${outcome.code}`}`,
      ...this.#describe(target, transport, operation, viewer),
      `answer: ${answer.raw}`,
    ];
    const problems = problemsOf(answer);
    if (problems.length > 0) this.#fail(`the write's answer is wrong: ${problems.join("; ")}`, context());
    const data = answer.body?.data as Record<string, unknown> | null | undefined;
    const answered = data?.[write.key] as Record<string, unknown> | null | undefined;
    const { wrapper } = write;
    // An expected failure of a mutation answering a union: its error member, as data.
    const typedError = wrapper?.union && answered && answered.__typename !== wrapper.union ? answered : undefined;
    const payload = (wrapper && answered && !typedError ? answered[wrapper.field] : wrapper ? undefined : answered) as
      Record<string, unknown> | null | undefined;
    const codes = errorCodesOf(answer);
    if (data === undefined && codes.length > 0 && codes.every((code) => DOCUMENT_LIMITS.has(String(code)))) {
      // The whole document over a limit (its other operations count too): refused before any work.
      this.figures.documentsRefused++;
    } else if (outcome.ok) {
      if (!payload || answer.body?.errors)
        this.#fail(`the write should have succeeded and answered its payload under "${write.key}"`, context());
      this.figures.writesChecked++;
      this.world.apply(intent, viewer.account, payload.id as string | undefined);
      await this.#verifyPayload(write, intent, payload, viewer, context);
    } else if (outcome.code === "BAD_USER_INPUT" && wrapper?.union) {
      this.figures.writesRefused++;
      if (answered?.__typename !== "InputError" || answered.code !== "BAD_USER_INPUT" || answer.body?.errors)
        this.#fail("the write should have answered an InputError (data, no GraphQL error)", context());
    } else {
      this.figures.writesRefused++;
      if (answered || !codes.includes(outcome.code))
        this.#fail(`the write should have been refused with ${outcome.code}`, context());
    }
    const differences = rowDifferences(this.world.expectedRows(), await this.sql.rows());
    if (differences.length > 0)
      this.#fail("SQL does not hold what the writes said", [...differences.slice(0, 20), ...context()]);
  }

  /** The payload must be what the reference reads of the same object right after. */
  async #verifyPayload(
    write: Operation["writes"][number],
    intent: ReturnType<typeof intentOf>,
    payload: Record<string, unknown>,
    viewer: Viewer,
    context: () => string[],
  ): Promise<void> {
    if (write.payload === "DeletePostPayload") {
      if (Object.values(payload).some((id) => id !== (intent as { id: string }).id))
        this.#fail("deletePost answered another id", context());
      return;
    }
    let token = viewer.token;
    let expected: unknown = payload;
    if (write.payload === "AuthPayload") {
      token = payload.token as string;
      expected = payload.user;
      const email = (intent as { email: string }).email.trim().toLowerCase();
      const account = this.world.accounts.find((a) => a.email === email);
      account?.tokens.push(token);
    }
    const read = verificationRead(write, intent, payload);
    if (!read) return;
    const answer = await this.reference.server.execute(read.text, { variables: read.variables, token });
    const actual = (answer.data as Record<string, unknown> | null | undefined)?.[read.key];
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      this.#fail("the write's payload is not what the reference reads right after", [
        `payload: ${JSON.stringify(expected)}`,
        `reference read (${read.text}): ${JSON.stringify(answer)}`,
        ...context(),
      ]);
  }

  #compare(
    target: Instance,
    transport: TransportName,
    operation: Operation,
    viewer: Viewer,
    answer: Answer,
    expected: Answer,
    note?: string,
  ): void {
    this.figures.readsCompared++;
    if (answer.cache === "hit") this.figures.cacheHits++;
    if (answer.cache === "miss") this.figures.cacheMisses++;
    const describe = () => [
      ...(note ? [note] : []),
      ...this.#describe(target, transport, operation, viewer),
      `${target.name} answered (cache ${answer.cache ?? "-"}): ${answer.raw}`,
      `reference answered: ${expected.raw}`,
    ];
    for (const [who, a] of [
      [target.name, answer],
      ["reference", expected],
    ] as const) {
      const problems = problemsOf(a);
      if (problems.length > 0) this.#fail(`${who}'s answer is wrong: ${problems.join("; ")}`, describe());
    }
    if (comparable(answer) !== comparable(expected)) {
      this.figures.differences++;
      this.#fail(`${target.name} answered differently from the reference`, describe());
    }
  }

  #operation(type: "query" | "mutation"): Operation {
    const random = this.random;
    const picker = this.world.picker(random);
    const pool = type === "query" ? this.#reads : this.#writes;
    const roll = random.next();
    const persisted = this.persisted.filter((operation) => operation.type === type);
    let operation: Operation | undefined;
    if (roll < 0.15 && persisted.length > 0) operation = rebind(random.pick(persisted), picker, random);
    else if (roll < 0.6 && pool.length > 0) {
      const reused = random.pick(pool);
      operation = random.chance(0.5) ? reused : rebind(reused, picker, random);
    } else {
      const kind = random.chance(type === "query" ? 0.15 : 0.35) ? "mixed" : type === "query" ? "read" : "write";
      for (const variant of generateDocument(random, picker, { kind })) {
        const bound = rebind(variant, picker, random);
        const into = bound.type === "query" ? this.#reads : this.#writes;
        into.push(bound);
        if (into.length > POOL_SIZE) into.shift();
        if (bound.type === type) operation ??= bound;
      }
    }
    return operation ?? this.#operation(type);
  }

  #viewer(forWrite: boolean): Viewer {
    const roll = this.random.next();
    if (roll < (forWrite ? 0.08 : 0.2)) return { account: null, token: null, label: "anonymous" };
    if (!forWrite && roll < 0.24) return { account: null, token: BAD_TOKEN, label: "a bad token" };
    const account = this.random.pick(this.world.accounts);
    return { account, token: this.random.pick(account.tokens), label: `@${account.handle}` };
  }

  #request(operation: Operation, viewer: Viewer): Request {
    if (operation.persisted) this.figures.persistedSent++;
    if (operation.operationName && /\b(query|mutation)\b[\s\S]*\b(query|mutation)\b/.test(operation.text))
      this.figures.multiOperation++;
    return {
      text: operation.text,
      operationName: operation.operationName,
      variables: operation.variables,
      token: viewer.token,
      persisted: operation.persisted,
      persistedAs: this.random.chance(0.5) ? "documentId" : "extensions",
      accept: this.random.chance(0.5) ? "application/json" : "application/graphql-response+json",
    };
  }

  #send(instance: Instance, transport: TransportName, request: Request): Promise<Answer> {
    const key = `${instance.name} ${transport}`;
    this.figures.sent[key] = (this.figures.sent[key] ?? 0) + 1;
    return instance.endpoint.send(transport, request);
  }

  #describe(target: Instance, transport: TransportName, operation: Operation, viewer: Viewer): string[] {
    return [
      `transport: ${transport}, instance: ${target.name}, viewer: ${viewer.label}`,
      `operationName: ${operation.operationName ?? "(not sent)"}${operation.persisted ? `, sent by id sha256:${operation.persisted}` : ""}`,
      `variables: ${JSON.stringify(operation.variables)}`,
      `document:\n${operation.text}`,
    ];
  }

  #fail(what: string, details: string[]): never {
    const replay = `SEED=${this.seed} FUZZ_STEPS=${this.#step + 1} npx vitest run test/differential.test.ts`;
    throw new DifferentialFailure(
      [`seed=${this.seed} step=${this.#step}: ${what}`, ...details, `replay: ${replay}`].join("\n"),
    );
  }
}
