import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Drives the example in headless Chromium (Debian's `chromium` package: `apt-get install chromium`;
// never a browser download) against a real `npm start` with its embedded PostgreSQL and demo data.

const exampleDir = fileURLToPath(new URL("..", import.meta.url));
const repoDir = path.resolve(exampleDir, "../..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT = path.join(repoDir, ".data", "e2e", "web-client.png");
/** GraphiQL while a report runs: its RequestAndWatch tab showing a step as it happens. */
export const GRAPHIQL_SCREENSHOT = path.join(repoDir, ".data", "e2e", "graphiql-report-running.png");

let sokudo: ChildProcess | undefined;
let vite: ViteDevServer | undefined;
let browser: Browser | undefined;
let page: Page;
let dataRoot: string;
let sokudoUrl: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function startSokudo(): Promise<string> {
  dataRoot = await mkdtemp(path.join(tmpdir(), "sokudo-e2e-"));
  await chmod(dataRoot, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
  const port = await freePort();
  const { DATABASE_URL: _url, REDIS_URL: _redis, AUTH_SECRET: _secret, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "./src/telemetry.ts", "src/main.ts", "start"], {
    cwd: repoDir,
    env: {
      ...inherited,
      NODE_ENV: "development",
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: String(port),
      EMBEDDED_PG_DIR: path.join(dataRoot, "postgres"),
      EMBEDDED_PG_PORT: String(await freePort()),
      OUTBOX_DIR: path.join(dataRoot, "outbox"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  sokudo = child;
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Sokudo ready")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  sokudoUrl = await startSokudo();
  vite = await createServer({
    root: exampleDir,
    configFile: path.join(exampleDir, "vite.config.ts"),
    logLevel: "warn",
    server: {
      host: "127.0.0.1",
      port: await freePort(),
      strictPort: true,
      proxy: { "/graphql": { target: sokudoUrl, changeOrigin: true } },
    },
  });
  await vite.listen();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
  await page.goto(vite.resolvedUrls?.local[0] ?? "");
});

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  if (sokudo && sokudo.exitCode === null) {
    const exited = new Promise((resolve) => sokudo?.once("exit", resolve));
    sokudo.kill("SIGTERM");
    await exited;
  }
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

const postTitles = () => page.locator("#posts li strong").allTextContents();

describe("the example web client", () => {
  it("lists the latest posts and pages through them", async () => {
    await expect.poll(postTitles).toHaveLength(5);
    const first = await postTitles();
    await page.click("#next");
    await expect.poll(() => page.textContent("#page")).toBe("Page 2");
    await expect.poll(postTitles).not.toEqual(first);
    const second = await postTitles();
    expect(second).toHaveLength(5);
    expect(second.some((title) => first.includes(title))).toBe(false);
    await page.click("#previous");
    await expect.poll(postTitles).toEqual(first);
  });

  it("logs in and likes a post", async () => {
    await page.click("#login button[type=submit]");
    await expect.poll(() => page.textContent("#viewer")).toBe("Logged in as User 1 (@user1)");
    const likeable = page
      .locator("#posts li")
      .filter({ has: page.locator("button.like:not([disabled])") })
      .first();
    const post = page.locator(`#posts li[data-id="${await likeable.getAttribute("data-id")}"]`);
    const likes = Number.parseInt((await post.locator(".likes").textContent()) ?? "", 10);
    await post.locator("button.like").click();
    await expect.poll(() => post.locator(".likes").textContent()).toBe(`${likes + 1} likes`);
    expect(await post.locator("button.like").textContent()).toBe("Liked");
  });

  it("requests a report and shows its progress live, step by step, until it succeeds", async () => {
    await page.click("#report");
    await expect
      .poll(() => page.locator("#progress li").last().textContent(), { timeout: 30_000 })
      .toBe("succeeded 100%");
    const steps = await page.locator("#progress li").allTextContents();
    // Every step was pushed over SSE as it happened (the demo pauses between steps).
    expect(steps.length).toBeGreaterThanOrEqual(4);
    expect(steps.filter((step) => step.startsWith("running")).length).toBeGreaterThanOrEqual(2);
    const percentages = steps.map((step) => Number.parseInt(step.split(" ")[1] ?? "", 10));
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(await page.textContent("#files")).toMatch(/^Ready: \/reports\/\d+\.csv and \/reports\/\d+\.html/);
    expect(await page.textContent("#error")).toBe("");

    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});

describe("GraphiQL (served by npm start)", () => {
  it("shares the token of a logIn with requests sent without one, as every other tab sends them", async () => {
    const graphiql = await browser?.newPage();
    if (!graphiql) throw new Error("no browser");
    await graphiql.goto(`${sokudoUrl}/graphql`);
    // What GraphiQL's fetcher does for two tabs: the LogIn tab, then a tab with empty headers.
    const viewer = await graphiql.evaluate(async () => {
      const send = (query: string) =>
        fetch("/graphql", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query }),
        }).then((response) => response.json());
      await send('mutation { logIn(input: { email: "user2@example.com", password: "password" }) { token } }');
      await new Promise((resolve) => setTimeout(resolve, 50)); // the token is read from a clone of the answer
      return send("{ viewer { handle } }");
    });
    expect(viewer).toMatchObject({ data: { viewer: { handle: "user2" } } });
    await graphiql.close();
  });

  it("runs a report from its RequestAndWatch tab and shows each step as it happens, with no id to paste", async () => {
    // A context of its own: GraphiQL keeps its tabs in localStorage, and the page before left some.
    const context = await browser?.newContext({ viewport: { width: 1280, height: 800 } });
    if (!context) throw new Error("no browser");
    const graphiql = await context.newPage();
    await graphiql.goto(`${sokudoUrl}/graphql`);
    // A tab clicked before the editor is up shows its text under the first tab's operation name.
    await graphiql.locator(".graphiql-query-editor .monaco-editor").waitFor();
    await selectTab(graphiql, "LogIn");
    await expect
      .poll(
        runTab(graphiql, (text) => text.includes('"token"')),
        { interval: 300, timeout: 15_000 },
      )
      .toBe(true);

    await selectTab(graphiql, "RequestAndWatch");
    // Each state the response pane shows, in order, read as the subscription pushes them.
    const shown: string[] = [];
    await expect
      .poll(
        runTab(graphiql, async (text) => {
          const state = text.match(/"status":\s*"(\w+)",\s*"progress":\s*(\d+)/);
          const step = state ? `${state[1]?.toLowerCase()} ${state[2]}` : null; // JobStatus RUNNING shown as "running 40"
          if (step && shown.at(-1) !== step) {
            shown.push(step);
            if (step.startsWith("running") && !shown.slice(0, -1).some((seen) => seen.startsWith("running"))) {
              await mkdir(path.dirname(GRAPHIQL_SCREENSHOT), { recursive: true });
              await graphiql.screenshot({ path: GRAPHIQL_SCREENSHOT });
            }
          }
          return step;
        }),
        { timeout: 30_000, interval: 50 },
      )
      .toBe("succeeded 100");
    // The demo pauses between steps: more than one running step was on screen before the end.
    expect(shown.filter((step) => step.startsWith("running")).length).toBeGreaterThanOrEqual(2);
    const percentages = shown.map((step) => Number.parseInt(step.split(" ")[1] ?? "", 10));
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    await context.close();
  });
});

/**
 * Selects a GraphiQL tab by its operation name. The tabs are a drag-to-reorder list: a click can
 * land while it settles and select nothing, so it is repeated until the tab is the active one.
 */
async function selectTab(graphiql: Page, name: string) {
  const button = graphiql.locator(`.graphiql-tab-button[title="${name}"]`);
  await expect
    .poll(
      async () => {
        const box = await button.boundingBox();
        if (box) await graphiql.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        return graphiql.locator("li.graphiql-tab-active .graphiql-tab-button").getAttribute("title");
      },
      { interval: 300, timeout: 15_000 },
    ) // clicks closer together are a double click, which leaves GraphiQL's state behind
    .toBe(name);
  // GraphiQL infers the tab's operation name from its text a moment after the switch, with nothing on
  // the page to wait for; a run before that fails with "Cannot infer operation" and leaves it stuck.
  await graphiql.waitForTimeout(500);
}

/**
 * Runs the active tab, then reads its response pane with `read` each time it is polled. GraphiQL
 * learns a tab's operation name a moment after its text: a run before that answers "Cannot infer
 * operation" without sending anything, and is repeated.
 */
function runTab<T>(graphiql: Page, read: (text: string) => T | Promise<T>): () => Promise<T | null> {
  const execute = graphiql.locator(".graphiql-execute-button");
  let started = false;
  return async () => {
    const text = (await graphiql.locator(".graphiql-response").textContent()) ?? "";
    if (!started || text.includes("Cannot infer operation")) {
      started = true;
      await execute.click();
      return null;
    }
    return read(text);
  };
}
