import { defineConfig } from "prisma/config";

// The Prisma CLI is used here for `prisma generate` only; migrations run through
// src/migrate (see README "Migrations"). The URL is read for tools that want one.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/sokudo" },
});
