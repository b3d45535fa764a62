-- A deleted user is announced on channel user_deleted (payload: the id), whoever deletes them
-- (SQL by hand, a script, a future mutation): every API instance LISTENs on it and refuses the
-- user's tokens at once instead of trusting its minute-long memory that the user exists
-- (src/auth/viewer.ts). A trigger, not the data layer, because deletions happen out of band.
-- Statement level with a transition table: one trigger call per DELETE, however many rows; the
-- notifications are delivered when the transaction commits, and not at all if it rolls back.
CREATE FUNCTION "notify_user_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('user_deleted', old_rows.id::text) FROM old_rows;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "users_notify_deleted" AFTER DELETE ON "users"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "notify_user_deleted"();
