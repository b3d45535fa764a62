-- A new comment is announced on channel comment_added (payload: {"postId": ..., "id": ...}),
-- whoever writes it (the API on any instance, the worker, SQL by hand): every API instance LISTENs
-- on it and wakes the post's commentAdded subscribers, who read what is new (src/jobs/comment-events.ts).
-- A deleted post is announced on the same channel without an id ({"postId": ...}): its
-- subscribers wake, find the post gone and end, rather than wait for comments that cannot come.
-- Statement level with transition tables, like the counters: one trigger call per statement;
-- the notifications are delivered when the transaction commits, and not at all if it rolls back.
CREATE FUNCTION "notify_comment_added"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('comment_added', json_build_object('postId', new_rows.post_id, 'id', new_rows.id)::text)
    FROM new_rows ORDER BY new_rows.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "comments_notify_added" AFTER INSERT ON "comments"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "notify_comment_added"();

CREATE FUNCTION "notify_post_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('comment_added', json_build_object('postId', old_rows.id)::text) FROM old_rows;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "posts_notify_deleted" AFTER DELETE ON "posts"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "notify_post_deleted"();
