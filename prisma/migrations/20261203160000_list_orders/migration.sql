-- Orders of the root lists (data/ordered-lists.ts): keyset pages on (counter, id), read from the
-- cursor to the limit however deep the page.
CREATE INDEX "posts_like_count_id_idx" ON "posts"("like_count", "id");
CREATE INDEX "posts_comment_count_id_idx" ON "posts"("comment_count", "id");
CREATE INDEX "users_post_count_id_idx" ON "users"("post_count", "id");
CREATE INDEX "users_follower_count_id_idx" ON "users"("follower_count", "id");

-- posts(search:): full-text search over title and body. An index on an expression, which Prisma's
-- schema cannot declare (its schema engine leaves it alone); the query repeats the expression
-- exactly (POST_SEARCH_VECTOR in src/data/ordered-lists.ts) so the planner can use it.
CREATE INDEX "posts_search_idx" ON "posts" USING gin (to_tsvector('english'::regconfig, "title" || ' ' || "body"));
