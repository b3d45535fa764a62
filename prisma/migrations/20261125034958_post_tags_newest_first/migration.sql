-- A tag's posts, newest first: posts(tag:) reads its page from this index (tag, post id) and stops,
-- however many posts the tag has or how rare it is among all posts.
-- Prisma's implicit many-to-many table can declare no index of its own: an index on ("B", "A") would
-- be dropped by the next `migrate diff`. A partial index is one Prisma's schema language cannot
-- express, so its schema engine leaves it alone (the drift test stays green). Every post id is
-- positive, so the predicate covers every row; queries repeat it ("A" > 0) so the planner may use it.
CREATE INDEX "_PostToTag_B_A_newest" ON "_PostToTag" ("B", "A" DESC) WHERE "A" > 0;
