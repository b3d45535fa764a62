import { parentPort } from "node:worker_threads";
import { type ActivityReportData, renderCsv, renderHtml } from "./report-render.ts";

parentPort?.on("message", (data: ActivityReportData) => {
  parentPort?.postMessage({ csv: renderCsv(data), html: renderHtml(data) });
});
