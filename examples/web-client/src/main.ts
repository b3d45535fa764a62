import { isLoggedIn, mutate, setToken, subscribe, watch } from "./api";
import { LatestPosts, LikePost, LogIn, RequestReport, WatchJob } from "./operations";
import type { ResultOf } from "@graphql-typed-document-node/core";
import "./style.css";

const PAGE_SIZE = 5;
const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

/** Cursors of the pages seen so far: page n starts after cursors[n - 1]. */
const cursors: (string | null)[] = [null];
let page = 0;

function showError(error: unknown): void {
  $("#error").textContent = error instanceof Error ? error.message : String(error);
}

let shownPage: { stop: () => void } | undefined;

/** Shows the current page, and again each time a mutation's receipt says it changed. */
function showPosts(fresh = false): void {
  shownPage?.stop();
  shownPage = watch(LatestPosts, { first: PAGE_SIZE, after: cursors[page] ?? null }, renderPosts, showError, fresh);
}

function renderPosts({ posts }: ResultOf<typeof LatestPosts>): void {
  const list = $("#posts");
  list.replaceChildren(
    ...posts.edges.map(({ node }) => {
      const item = document.createElement("li");
      item.dataset.id = node.id;
      const title = document.createElement("strong");
      title.textContent = node.title;
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = `${node.author ? `@${node.author.handle}` : "(deleted)"} · ${new Date(node.createdAt).toLocaleDateString()} · `;
      const likes = document.createElement("span");
      likes.className = "likes";
      likes.textContent = `${node.likeCount} likes`;
      const like = document.createElement("button");
      like.className = "like";
      like.textContent = node.viewerHasLiked ? "Liked" : "Like";
      like.disabled = !isLoggedIn() || node.viewerHasLiked;
      like.addEventListener("click", () => {
        like.disabled = true;
        mutate(LikePost, { input: { postId: node.id } }).catch(showError);
      });
      meta.append(likes, like);
      item.append(title, meta);
      return item;
    }),
  );
  cursors[page + 1] = posts.pageInfo.endCursor ?? null;
  $<HTMLButtonElement>("#next").disabled = !posts.pageInfo.hasNextPage;
  $<HTMLButtonElement>("#previous").disabled = page === 0;
  $("#page").textContent = `Page ${page + 1}`;
}

async function logIn(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const { logIn } = await mutate(LogIn, {
    input: { email: String(data.get("email")), password: String(data.get("password")) },
  });
  setToken(logIn.token);
  showViewer(`${logIn.user.name} (@${logIn.user.handle})`);
  showPosts(true); // `viewerHasLiked` and the like buttons depend on who asks
}

function showViewer(who: string): void {
  $("#login").hidden = true;
  const viewer = $("#viewer");
  viewer.hidden = false;
  viewer.textContent = `Logged in as ${who}`;
  $<HTMLButtonElement>("#report").disabled = false;
}

/** Requests a report, then shows each progress event the server pushes until the job is done. */
async function requestReport(): Promise<void> {
  const button = $<HTMLButtonElement>("#report");
  button.disabled = true;
  const progress = $("#progress");
  progress.replaceChildren();
  $("#files").replaceChildren();
  const { requestActivityReport: answer } = await mutate(RequestReport, { input: {} });
  // An expected failure (an invalid input) is data, a member of the mutation's result union.
  if (answer.__typename !== "RequestActivityReportPayload") {
    button.disabled = false;
    throw new Error(answer.message);
  }
  const subscription = subscribe(WatchJob, { id: answer.job.id }, ({ jobUpdated }) => {
    const step = document.createElement("li");
    const status = jobUpdated.status.toLowerCase();
    step.className = status;
    step.textContent = `${status} ${jobUpdated.progress}%`;
    progress.append(step);
    if (jobUpdated.status === "SUCCEEDED") showFiles(jobUpdated.result);
    if (jobUpdated.error) showError(jobUpdated.error);
  });
  await subscription.done.finally(() => (button.disabled = false));
}

function showFiles(result: unknown): void {
  const files = result as { csv?: string; html?: string } | null;
  $("#files").textContent = files ? `Ready: ${files.csv} and ${files.html} (download them with the token)` : "";
}

$<HTMLFormElement>("#login").addEventListener("submit", (event) => {
  event.preventDefault();
  logIn(event.target as HTMLFormElement).catch(showError);
});
$("#next").addEventListener("click", () => {
  page += 1;
  showPosts();
});
$("#previous").addEventListener("click", () => {
  page -= 1;
  showPosts();
});
$("#report").addEventListener("click", () => requestReport().catch(showError));

if (isLoggedIn()) showViewer("a saved session");
showPosts();
