import type pg from "pg";

// A report's rendered files, kept in PostgreSQL (table report_files) so that every API instance
// serves what any worker wrote. A demo user's report is a few KB; one author with 10,000 posts of
// 200-character titles makes about 3 MB of HTML. A download reads at most SLICE_BYTES per query,
// so a large file never sits whole in an API instance's memory.

export const REPORT_FORMATS = ["csv", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Most reports fit in one slice: one query answers them. */
const SLICE_BYTES = 256 * 1024;

type Queryable = Pick<pg.ClientBase, "query">;
/** node-postgres decodes bytea into a Buffer over a plain (never shared) ArrayBuffer. */
type Bytes = Buffer<ArrayBuffer>;

/** Stores (or, on a retried job, replaces) the job's files. */
export async function storeReportFiles(
  db: Queryable,
  jobId: number,
  files: Record<ReportFormat, string>,
): Promise<void> {
  await db.query(
    `INSERT INTO report_files (job_id, format, content, byte_size, sha256)
     SELECT $1, file.format, file.content, octet_length(file.content), encode(sha256(file.content), 'hex')
     FROM unnest($2::text[], $3::bytea[]) AS file(format, content)
     ON CONFLICT (job_id, format) DO UPDATE SET content = EXCLUDED.content, byte_size = EXCLUDED.byte_size,
       sha256 = EXCLUDED.sha256, created_at = now()`,
    [jobId, REPORT_FORMATS, REPORT_FORMATS.map((format) => Buffer.from(files[format]))],
  );
}

export interface StoredReportFile {
  byteSize: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  /** The content: whole when it fits one slice, else read slice by slice as it is consumed. */
  body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>>;
}

/** The job's file in `format`, or null when there is none. */
export async function openReportFile(
  pool: pg.Pool,
  jobId: number,
  format: ReportFormat,
): Promise<StoredReportFile | null> {
  const { rows } = await pool.query<{ byte_size: number; sha256: string; head: Bytes }>(
    `SELECT byte_size, sha256, substring(content FROM 1 FOR $3) AS head FROM report_files WHERE job_id = $1 AND format = $2`,
    [jobId, format, SLICE_BYTES],
  );
  const file = rows[0];
  if (!file) return null;
  const { byte_size: byteSize, sha256, head } = file;
  if (byteSize <= head.length) return { byteSize, sha256, body: head };
  let offset = head.length;
  // highWaterMark 0: a slice is read only when the response asks for one, never ahead.
  const body = new ReadableStream<Bytes>(
    {
      start(controller) {
        controller.enqueue(head);
      },
      async pull(controller) {
        // Each slice names the content it continues (its hash): a file replaced mid-download ends the
        // stream with an error instead of splicing two versions.
        const slice = await pool.query<{ part: Bytes }>(
          `SELECT substring(content FROM $3 FOR $4) AS part FROM report_files WHERE job_id = $1 AND format = $2 AND sha256 = $5`,
          [jobId, format, offset + 1, SLICE_BYTES, sha256],
        );
        const part = slice.rows[0]?.part;
        if (!part?.length) {
          controller.error(new Error(`report file ${jobId}.${format} changed or vanished while it was read`));
          return;
        }
        controller.enqueue(part);
        offset += part.length;
        if (offset >= byteSize) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { byteSize, sha256, body };
}
