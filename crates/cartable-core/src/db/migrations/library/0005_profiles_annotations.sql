-- Profiles: the pupils who share this computer. Books are shared; what a pupil writes
-- (reading positions, settings, annotations) belongs to their profile.
CREATE TABLE profiles (
    id         TEXT PRIMARY KEY,          -- uuid
    name       TEXT NOT NULL,
    pin_hash   TEXT,                      -- argon2id PHC string; NULL = no PIN
    color      TEXT NOT NULL,
    created_at INTEGER NOT NULL           -- unix ms
) STRICT;
CREATE UNIQUE INDEX profiles_by_name ON profiles (name COLLATE NOCASE);

-- The first profile: whoever used the library before profiles existed.
INSERT INTO profiles (id, name, color, created_at)
SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3)
           || '-' || substr(h, 21, 12),
       'Élève', 'blue', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
FROM (SELECT lower(hex(randomblob(16))) AS h);

CREATE TABLE profile_settings (
    profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,             -- JSON
    PRIMARY KEY (profile_id, key)
) STRICT, WITHOUT ROWID;

-- Reading positions become per profile; existing ones go to the first profile.
CREATE TABLE reading_positions_by_profile (
    profile_id   TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    id           BLOB NOT NULL,           -- 16-byte uuid v5 of the book key
    book_key     TEXT NOT NULL,
    created_hlc  BLOB NOT NULL,
    pos          TEXT NOT NULL,
    pos_hlc      BLOB NOT NULL,
    furthest     REAL NOT NULL,
    furthest_hlc BLOB NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (profile_id, id),
    UNIQUE (profile_id, book_key)
) STRICT;
INSERT INTO reading_positions_by_profile
    (profile_id, id, book_key, created_hlc, pos, pos_hlc, furthest, furthest_hlc, updated_at)
SELECT (SELECT id FROM profiles), id, book_key, created_hlc, pos, pos_hlc, furthest, furthest_hlc, updated_at
FROM reading_positions;
DROP TABLE reading_positions;
ALTER TABLE reading_positions_by_profile RENAME TO reading_positions;

-- Bookmarks, highlights (and underlines), notes and ink strokes, as sync records
-- (design/sync.md §4): `init` is fixed at creation, `fields` are last-writer-wins registers
-- {"name": {"v": value, "t": "<hlc hex>"}}, a deletion is a tombstone (`del_hlc`) that empties
-- the content and is never revived. Annotations refer to books by key, never by row, so they
-- outlive the book's removal and come back with it.
CREATE TABLE annotations (
    seq         INTEGER PRIMARY KEY,        -- local row number (the full-text index refers to it)
    profile_id  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    id          BLOB NOT NULL,            -- 16-byte uuid (v7)
    kind        TEXT NOT NULL CHECK (kind IN ('bookmark', 'highlight', 'note', 'ink')),
    book_key    TEXT NOT NULL,
    place       INTEGER NOT NULL,         -- PDF page index or EPUB spine index (for a page's marks)
    ord         INTEGER NOT NULL,         -- order inside the place (character offset)
    init        TEXT NOT NULL,            -- JSON: anchor, highlight id, ink tool/colour/width
    created_hlc BLOB NOT NULL,
    fields      TEXT NOT NULL,            -- JSON of LWW registers
    blob        BLOB,                     -- ink points
    del_hlc     BLOB,                     -- tombstone
    created_at  INTEGER NOT NULL,         -- unix ms
    modified_at INTEGER NOT NULL,
    search_text TEXT NOT NULL,            -- quoted text and note body ("My notes")
    UNIQUE (profile_id, id)
) STRICT;
CREATE INDEX annotations_by_place ON annotations (profile_id, book_key, place, ord) WHERE del_hlc IS NULL;
CREATE INDEX annotations_by_time ON annotations (profile_id, modified_at) WHERE del_hlc IS NULL;

CREATE VIRTUAL TABLE annotations_fts USING fts5 (
    search_text,
    content = 'annotations',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER annotations_after_insert AFTER INSERT ON annotations BEGIN
    INSERT INTO annotations_fts (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER annotations_after_update AFTER UPDATE OF search_text ON annotations BEGIN
    INSERT INTO annotations_fts (annotations_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO annotations_fts (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER annotations_after_delete AFTER DELETE ON annotations BEGIN
    INSERT INTO annotations_fts (annotations_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
