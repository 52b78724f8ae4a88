-- Catalogues (OPDS), what was seen of them (to browse offline), downloads, and where each
-- downloaded book came from (to find new editions).

CREATE TABLE catalogs (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    url      TEXT NOT NULL UNIQUE,
    username TEXT,                      -- shown; the password is in the credential store
    auth     TEXT,                      -- JSON of the catalogue's authentication document, if any
    bundled  INTEGER NOT NULL DEFAULT 0,
    added_at INTEGER NOT NULL
) STRICT;

CREATE TABLE feeds (
    url          TEXT PRIMARY KEY,
    catalog_id   INTEGER REFERENCES catalogs (id) ON DELETE CASCADE,
    body         BLOB NOT NULL,
    content_type TEXT,
    fetched_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE downloads (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL,
    catalog_id    INTEGER REFERENCES catalogs (id) ON DELETE SET NULL,
    entry_id      TEXT,
    entry_url     TEXT,
    title         TEXT,
    updated       TEXT,                 -- the entry's `updated` when it was queued
    expected_size INTEGER,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'paused', 'failed', 'done', 'cancelled')),
    resume        TEXT,                 -- JSON of the transfer state (bytes, validator, total)
    bytes         INTEGER NOT NULL DEFAULT 0,
    total         INTEGER,
    error_code    TEXT,
    error         TEXT,
    book_id       TEXT,                 -- the book it became
    replaces      TEXT,                 -- the edition it updates
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX downloads_by_state ON downloads (state, id);

CREATE TABLE book_sources (
    book_id         TEXT PRIMARY KEY REFERENCES books (id) ON DELETE CASCADE,
    catalog_id      INTEGER REFERENCES catalogs (id) ON DELETE SET NULL,
    entry_id        TEXT,
    entry_url       TEXT,
    acquisition_url TEXT NOT NULL,
    updated         TEXT,
    checked_at      INTEGER
) STRICT;

-- Covers and thumbnails of catalogue entries, kept to show them offline.
CREATE TABLE catalog_images (
    url          TEXT PRIMARY KEY,
    catalog_id   INTEGER REFERENCES catalogs (id) ON DELETE CASCADE,
    bytes        BLOB NOT NULL,
    content_type TEXT,
    fetched_at   INTEGER NOT NULL
) STRICT;
