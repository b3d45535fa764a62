// Renders an activity report (CSV and HTML). Runs in a worker thread (report-render-worker.ts)
// so rendering a large user's report never blocks an event loop.

export interface ActivityWeek {
  week: string;
  posts: number;
  comments: number;
  likesReceived: number;
}

export interface ActivityReportData {
  handle: string;
  name: string;
  generatedAt: string;
  weeks: ActivityWeek[];
  posts: { title: string; createdAt: string; comments: number; likes: number }[];
}

/** What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A CSV cell. Text a user wrote (a post title) that a spreadsheet would run as a formula gets a
 * leading single quote and is quoted, so `=HYPERLINK(…)` shows as text; numbers we count stay numbers.
 */
const csvCell = (value: string | number) => {
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text !== value || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const escapeHtml = (value: string | number) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

export function renderCsv(data: ActivityReportData): string {
  const lines = ["section,week_or_title,created_at,posts,comments,likes"];
  for (const week of data.weeks)
    lines.push(["week", week.week, "", week.posts, week.comments, week.likesReceived].map(csvCell).join(","));
  for (const post of data.posts)
    lines.push(["post", post.title, post.createdAt, 1, post.comments, post.likes].map(csvCell).join(","));
  return `${lines.join("\n")}\n`;
}

export function renderHtml(data: ActivityReportData): string {
  const max = Math.max(1, ...data.weeks.map((w) => w.posts + w.comments + w.likesReceived));
  const bars = data.weeks
    .map((w) => {
      const total = w.posts + w.comments + w.likesReceived;
      return `<tr><td>${escapeHtml(w.week)}</td><td>${w.posts}</td><td>${w.comments}</td><td>${w.likesReceived}</td><td><div class="bar" style="width:${Math.round((total / max) * 300)}px"></div></td></tr>`;
    })
    .join("\n");
  const posts = data.posts
    .map(
      (p) =>
        `<tr><td>${escapeHtml(p.title)}</td><td>${escapeHtml(p.createdAt)}</td><td>${p.comments}</td><td>${p.likes}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Activity of @${escapeHtml(data.handle)}</title>
<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd}.bar{height:.8rem;background:#4a7}</style></head>
<body><h1>Activity of ${escapeHtml(data.name)} (@${escapeHtml(data.handle)})</h1><p>Generated ${escapeHtml(data.generatedAt)}</p>
<h2>By week</h2><table><tr><th>Week</th><th>Posts</th><th>Comments</th><th>Likes received</th><th></th></tr>
${bars}
</table>
<h2>Posts</h2><table><tr><th>Title</th><th>Created</th><th>Comments</th><th>Likes</th></tr>
${posts}
</table></body></html>
`;
}
