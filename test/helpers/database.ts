import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { adminQuery, withDatabase } from "./pg-admin.ts";

/** A fresh, migrated database for this test file, dropped when the file's tests end. */
export async function useTestDatabase(): Promise<string> {
  const adminUrl = inject("pgAdminUrl");
  const name = `sokudo_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`);
  afterAll(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  return withDatabase(adminUrl, name);
}
