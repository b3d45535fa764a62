-- CreateTable
CREATE TABLE "job_workers" (
    "pool_id" VARCHAR(64) NOT NULL,
    "hostname" VARCHAR(255) NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_workers_pkey" PRIMARY KEY ("pool_id")
);
