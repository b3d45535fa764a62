-- Report files live in PostgreSQL, which every API instance and worker reaches: a report made by
-- a worker on one machine downloads from an API instance on another (no shared disk).
-- CreateTable
CREATE TABLE "report_files" (
    "job_id" INTEGER NOT NULL,
    "format" VARCHAR(8) NOT NULL,
    "content" BYTEA NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_files_pkey" PRIMARY KEY ("job_id","format")
);

-- AddForeignKey
ALTER TABLE "report_files" ADD CONSTRAINT "report_files_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Out of line and uncompressed (Prisma's schema cannot say so): a download reads the file in
-- slices with substring(), and PostgreSQL then fetches only the TOAST chunks of each slice; a
-- compressed value would be decompressed from its start for every slice.
ALTER TABLE "report_files" ALTER COLUMN "content" SET STORAGE EXTERNAL;
