-- The library: books, their structure, their text and its search index.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE books (
    id            TEXT PRIMARY KEY,        -- sha256 of the file as imported (BookId)
    format        TEXT NOT NULL CHECK (format IN ('pdf', 'epub')),
    title         TEXT NOT NULL,
    authors       TEXT NOT NULL DEFAULT '[]',  -- JSON array of names, in order
    language      TEXT,
    publisher     TEXT,
    description   TEXT,
    subjects      TEXT NOT NULL DEFAULT '[]',  -- JSON array
    identifiers   TEXT NOT NULL DEFAULT '[]',  -- JSON [{"scheme": "ISBN", "value": "…"}]
    published     TEXT,
    layout        TEXT NOT NULL CHECK (layout IN ('paged', 'reflowable', 'pre-paginated')),
    direction     TEXT NOT NULL DEFAULT 'ltr' CHECK (direction IN ('ltr', 'rtl')),
    page_count    INTEGER,                 -- PDF pages, fixed-layout EPUB pages; NULL when reflowable
    section_count INTEGER,                 -- EPUB spine length; NULL for PDF
    file_path     TEXT NOT NULL,           -- relative to the library folder
    file_sha256   TEXT NOT NULL,           -- of the stored file (differs from id when stored unprotected)
    file_size     INTEGER NOT NULL,
    cover_path    TEXT,                    -- EPUB: the cover image inside the archive
    was_protected INTEGER NOT NULL DEFAULT 0,  -- imported with a password; stored without it
    source        TEXT NOT NULL,           -- JSON {"kind": "file" | "bundled", "path" | "name": …}
    added_at      INTEGER NOT NULL,        -- unix ms
    opened_at     INTEGER
) STRICT;

-- PDF pages (and fixed-layout EPUB pages): printed label and size in points.
CREATE TABLE pages (
    book_id TEXT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    label   TEXT,
    width   REAL NOT NULL,
    height  REAL NOT NULL,
    PRIMARY KEY (book_id, idx)
) STRICT, WITHOUT ROWID;

-- EPUB spine.
CREATE TABLE sections (
    book_id    TEXT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    href       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    linear     INTEGER NOT NULL,
    layout     TEXT,
    PRIMARY KEY (book_id, idx)
) STRICT, WITHOUT ROWID;

-- EPUB page-list: printed page labels and where they are.
CREATE TABLE page_targets (
    book_id TEXT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    ord     INTEGER NOT NULL,
    label   TEXT NOT NULL,
    href    TEXT NOT NULL,
    section INTEGER,
    PRIMARY KEY (book_id, ord)
) STRICT, WITHOUT ROWID;

-- Table of contents, flattened in reading order.
CREATE TABLE toc (
    book_id TEXT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    ord     INTEGER NOT NULL,
    depth   INTEGER NOT NULL,
    title   TEXT NOT NULL,
    page    INTEGER,   -- PDF: target page index; EPUB: target spine index
    href    TEXT,      -- EPUB: target path#fragment
    PRIMARY KEY (book_id, ord)
) STRICT, WITHOUT ROWID;

-- Searchable text: one row per PDF page, or per printed page of an EPUB section.
CREATE TABLE texts (
    id      INTEGER PRIMARY KEY,
    book_id TEXT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,   -- PDF page index or EPUB spine index
    label   TEXT,               -- printed page label where this text starts
    body    TEXT NOT NULL
) STRICT;
CREATE INDEX texts_by_book ON texts (book_id, idx);

-- Case- and accent-insensitive full-text index over texts.body (élève = ELEVE).
CREATE VIRTUAL TABLE texts_fts USING fts5 (
    body,
    content = 'texts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER texts_after_insert AFTER INSERT ON texts BEGIN
    INSERT INTO texts_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER texts_after_delete AFTER DELETE ON texts BEGIN
    INSERT INTO texts_fts (texts_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;

-- Library membership as a sync record (design/sync.md §4.3, kind library_entry):
-- id = uuid v5 of the book key; per-field HLC stamps; removal sets member = 0, never a tombstone.
CREATE TABLE library_entries (
    id          BLOB PRIMARY KEY,      -- 16-byte uuid
    book_key    TEXT NOT NULL UNIQUE,  -- "sha256:<hex>"
    created_hlc BLOB NOT NULL,
    added_at    INTEGER NOT NULL,
    meta        TEXT NOT NULL,         -- JSON {title, authors, publisher}
    meta_hlc    BLOB NOT NULL,
    member      INTEGER NOT NULL,
    member_hlc  BLOB NOT NULL
) STRICT;
