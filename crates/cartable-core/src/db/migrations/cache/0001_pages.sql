-- Rendered pages, ready to show. `bucket` versions the output format (pages-v1):
-- a new format gets a new bucket instead of a migration of blobs.
CREATE TABLE cache.pages (
    book_id    TEXT NOT NULL,
    bucket     TEXT NOT NULL,
    width      INTEGER NOT NULL,
    idx        INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    mime       TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (book_id, bucket, width, idx)
) STRICT;
