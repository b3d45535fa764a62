// node bench/cpu-profile-top.ts <file.cpuprofile> [rows]: where a V8 CPU profile (node --cpu-prof)
// spent its time, as shares of the busy (non-idle) time: self time by package, then by function.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArgument] = process.argv.slice(2);
if (!file) throw new Error("usage: node bench/cpu-profile-top.ts <file.cpuprofile> [rows]");
const rows = Number(rowsArgument ?? 30);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const selfMs = new Map<number, number>();
profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let busy = 0;
for (const node of profile.nodes) {
  const ms = selfMs.get(node.id) ?? 0;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === "(idle)") continue;
  busy += ms;
  const where = url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, "$1/");
  const name = `${functionName || "(anonymous)"} ${where.split("/").slice(-2).join("/")}:${lineNumber}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  const pkg =
    where.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ??
    (where.startsWith("src/")
      ? where.split("/").slice(0, 2).join("/")
      : functionName.startsWith("(")
        ? functionName
        : where.startsWith("node:")
          ? "node"
          : "native");
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
}

const print = (title: string, table: Map<string, number>) => {
  console.log(`--- ${title}`);
  for (const [name, ms] of [...table].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${name}`);
  }
};
console.log(`busy ${busy.toFixed(0)} ms`);
print("self time by package", byPackage);
print("self time by function", byFunction);
