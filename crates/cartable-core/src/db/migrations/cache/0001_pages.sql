-- Rendered pages, ready to show. `bucket` versions the output format (pages-v1):
-- a new format gets a new bucket instead of a migration of blobs.
-- `key` is a 63-bit hash of (book_id, bucket, width, idx), so that reading a page is one
-- descent of the table's b-tree and one copy of its bytes (see db::cache::get).
CREATE TABLE cache.pages (
    key        INTEGER PRIMARY KEY,
    book_id    TEXT NOT NULL,
    bucket     TEXT NOT NULL,
    width      INTEGER NOT NULL,
    idx        INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    mime       TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX cache.pages_by_book ON pages (book_id, bucket, width, idx);
