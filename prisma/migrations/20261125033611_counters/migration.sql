-- DropIndex
DROP INDEX "likes_post_id_idx";

-- AlterTable
ALTER TABLE "posts" ADD COLUMN     "comment_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "like_count" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "tags" ADD COLUMN     "post_count" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "follower_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "following_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "post_count" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "likes_post_id_user_id_idx" ON "likes"("post_id", "user_id");

-- Counters: each count shown on list rows is a column, kept by triggers in the transaction of the
-- write that changes it. Triggers (not the data layer) because every writer goes through them: the
-- API's Prisma calls, the worker, raw SQL, cascades (a deleted post takes its likes, comments and
-- tag links with it), the seed. The UPDATE of a parent row takes its row lock, so concurrent writers
-- queue on it and none is lost. Rows are locked in id order first, so two statements that bump the
-- same rows (a follow each way) cannot deadlock.

-- count_children(parent, fk, counter [, fk, counter ...]): after INSERT or DELETE (statement level,
-- with transition tables new_rows/old_rows) or after an UPDATE that moved a row (row level), adds
-- the net change per parent id to parent.counter.
CREATE FUNCTION "count_children"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent text := TG_ARGV[0];
  pairs int := (TG_NARGS - 1) / 2;
  changes text[] := '{}';
  fk text;
  i int;
BEGIN
  -- A bulk load (the seed) turns the triggers off for its transaction and calls recount_counters() at the end.
  IF current_setting('sokudo.defer_counters', true) = 'on' THEN
    RETURN NULL;
  END IF;
  FOR i IN 0 .. pairs - 1 LOOP
    fk := TG_ARGV[1 + 2 * i];
    changes := changes || CASE
      WHEN TG_LEVEL = 'ROW' THEN format('SELECT ($1).%1$I AS id, -1 AS d, %2$s AS k UNION ALL SELECT ($2).%1$I, 1, %2$s', fk, i)
      WHEN TG_OP = 'INSERT' THEN format('SELECT %I AS id, 1 AS d, %s AS k FROM new_rows', fk, i)
      ELSE format('SELECT %I AS id, -1 AS d, %s AS k FROM old_rows', fk, i)
    END;
  END LOOP;
  EXECUTE format(
    'SELECT 1 FROM %1$I WHERE id IN (SELECT id FROM (%2$s) AS c GROUP BY id, k HAVING sum(d) <> 0) ORDER BY id FOR NO KEY UPDATE',
    parent, array_to_string(changes, ' UNION ALL ')
  ) USING OLD, NEW;
  FOR i IN 0 .. pairs - 1 LOOP
    EXECUTE format(
      'UPDATE %1$I AS p SET %2$I = p.%2$I + c.d FROM (SELECT id, sum(d)::int AS d FROM (%3$s) AS c GROUP BY id HAVING sum(d) <> 0) AS c WHERE p.id = c.id',
      parent, TG_ARGV[2 + 2 * i], changes[i + 1]
    ) USING OLD, NEW;
  END LOOP;
  RETURN NULL;
END
$$;

-- A post's delete locks its author before the cascade reaches its tags: the order createPost takes
-- (author's post_count, then the tags' post_count), so a create and a delete by one author cannot deadlock.
CREATE FUNCTION "lock_post_author"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "users" WHERE id = OLD.author_id FOR NO KEY UPDATE;
  RETURN OLD;
END
$$;
CREATE TRIGGER "posts_lock_author" BEFORE DELETE ON "posts" FOR EACH ROW EXECUTE FUNCTION "lock_post_author"();

CREATE TRIGGER "posts_count_insert" AFTER INSERT ON "posts" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('users', 'author_id', 'post_count');
CREATE TRIGGER "posts_count_delete" AFTER DELETE ON "posts" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('users', 'author_id', 'post_count');
CREATE TRIGGER "posts_count_move" AFTER UPDATE OF "author_id" ON "posts" FOR EACH ROW
  WHEN (OLD."author_id" IS DISTINCT FROM NEW."author_id")
  EXECUTE FUNCTION "count_children"('users', 'author_id', 'post_count');

CREATE TRIGGER "likes_count_insert" AFTER INSERT ON "likes" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('posts', 'post_id', 'like_count');
CREATE TRIGGER "likes_count_delete" AFTER DELETE ON "likes" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('posts', 'post_id', 'like_count');
CREATE TRIGGER "likes_count_move" AFTER UPDATE OF "post_id" ON "likes" FOR EACH ROW
  WHEN (OLD."post_id" IS DISTINCT FROM NEW."post_id")
  EXECUTE FUNCTION "count_children"('posts', 'post_id', 'like_count');

CREATE TRIGGER "comments_count_insert" AFTER INSERT ON "comments" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('posts', 'post_id', 'comment_count');
CREATE TRIGGER "comments_count_delete" AFTER DELETE ON "comments" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('posts', 'post_id', 'comment_count');
CREATE TRIGGER "comments_count_move" AFTER UPDATE OF "post_id" ON "comments" FOR EACH ROW
  WHEN (OLD."post_id" IS DISTINCT FROM NEW."post_id")
  EXECUTE FUNCTION "count_children"('posts', 'post_id', 'comment_count');

CREATE TRIGGER "post_tags_count_insert" AFTER INSERT ON "_PostToTag" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('tags', 'B', 'post_count');
CREATE TRIGGER "post_tags_count_delete" AFTER DELETE ON "_PostToTag" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('tags', 'B', 'post_count');
CREATE TRIGGER "post_tags_count_move" AFTER UPDATE OF "B" ON "_PostToTag" FOR EACH ROW
  WHEN (OLD."B" IS DISTINCT FROM NEW."B")
  EXECUTE FUNCTION "count_children"('tags', 'B', 'post_count');

CREATE TRIGGER "follows_count_insert" AFTER INSERT ON "follows" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('users', 'followee_id', 'follower_count', 'follower_id', 'following_count');
CREATE TRIGGER "follows_count_delete" AFTER DELETE ON "follows" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_children"('users', 'followee_id', 'follower_count', 'follower_id', 'following_count');
CREATE TRIGGER "follows_count_move" AFTER UPDATE OF "followee_id", "follower_id" ON "follows" FOR EACH ROW
  WHEN (OLD."followee_id" IS DISTINCT FROM NEW."followee_id" OR OLD."follower_id" IS DISTINCT FROM NEW."follower_id")
  EXECUTE FUNCTION "count_children"('users', 'followee_id', 'follower_count', 'follower_id', 'following_count');

-- Sets every counter from count(*): the backfill below, and the end of a bulk load.
CREATE FUNCTION "recount_counters"() RETURNS void LANGUAGE sql AS $$
UPDATE "users" AS u SET "post_count" = coalesce(c.posts, 0), "follower_count" = coalesce(c.followers, 0), "following_count" = coalesce(c.following, 0)
FROM (
  SELECT u.id,
    (SELECT count(*)::int FROM "posts" WHERE "author_id" = u.id) AS posts,
    (SELECT count(*)::int FROM "follows" WHERE "followee_id" = u.id) AS followers,
    (SELECT count(*)::int FROM "follows" WHERE "follower_id" = u.id) AS following
  FROM "users" AS u
) AS c
WHERE u.id = c.id AND (u."post_count", u."follower_count", u."following_count") IS DISTINCT FROM (c.posts, c.followers, c.following);
UPDATE "posts" AS p SET "like_count" = c.likes, "comment_count" = c.comments
FROM (
  SELECT p.id,
    (SELECT count(*)::int FROM "likes" WHERE "post_id" = p.id) AS likes,
    (SELECT count(*)::int FROM "comments" WHERE "post_id" = p.id) AS comments
  FROM "posts" AS p
) AS c
WHERE p.id = c.id AND (p."like_count", p."comment_count") IS DISTINCT FROM (c.likes, c.comments);
UPDATE "tags" AS t SET "post_count" = c.posts
FROM (SELECT t.id, (SELECT count(*)::int FROM "_PostToTag" WHERE "B" = t.id) AS posts FROM "tags" AS t) AS c
WHERE t.id = c.id AND t."post_count" IS DISTINCT FROM c.posts;
$$;

SELECT "recount_counters"();
