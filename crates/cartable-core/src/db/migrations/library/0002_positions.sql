-- Where the pupil is in each book, as a sync record (design/sync.md §4.3, kind reading_position):
-- id = uuid v5 of the book key; `pos` is one LWW group {loc, progress, label}; `furthest` keeps the maximum.
CREATE TABLE reading_positions (
    id           BLOB PRIMARY KEY,      -- 16-byte uuid
    book_key     TEXT NOT NULL UNIQUE,  -- "sha256:<hex>"
    created_hlc  BLOB NOT NULL,
    pos          TEXT NOT NULL,         -- JSON {"loc": …, "progress": 0..1, "label": …}
    pos_hlc      BLOB NOT NULL,
    furthest     REAL NOT NULL,
    furthest_hlc BLOB NOT NULL,
    updated_at   INTEGER NOT NULL       -- unix ms, for "continue reading"
) STRICT;
