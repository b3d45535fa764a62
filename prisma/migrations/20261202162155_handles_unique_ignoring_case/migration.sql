-- Handles are unique whatever their case: @Alice and @alice are one name. Prisma's schema cannot
-- express an index on an expression, so this index is SQL only; schema.prisma keeps @unique on
-- handle (users_handle_key), which findUnique({ where: { handle } }) relies on.
-- data/database-errors.ts reads the index name as the field `handle`.

DO $$
DECLARE
  clashes text;
BEGIN
  SELECT string_agg(handles, '; ') INTO clashes
  FROM (SELECT string_agg(handle, ', ' ORDER BY id) AS handles FROM "users" GROUP BY lower(handle) HAVING count(*) > 1) AS clash;
  IF clashes IS NOT NULL THEN
    RAISE EXCEPTION 'Handles that differ only in case must be renamed before this migration: %', clashes;
  END IF;
END $$;

CREATE UNIQUE INDEX "users_handle_lower_key" ON "users" (lower("handle"));
