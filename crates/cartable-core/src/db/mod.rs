//! The SQLite store. All SQL of Cartable lives in this module, one file per table group;
//! the rest of the code calls typed functions.
//!
//! Two database files sit in the library folder: `library.sqlite3` (books, structure, text,
//! search index, sync-ready entries) and `cache.sqlite3` (rendered pages), attached as `cache`.
//! The cache can be deleted at any time; nothing else is lost with it.

pub(crate) mod annotations;
pub(crate) mod books;
pub(crate) mod cache;
pub(crate) mod catalogs;
pub(crate) mod downloads;
pub(crate) mod entries;
pub(crate) mod positions;
pub(crate) mod profiles;
pub(crate) mod settings;
pub(crate) mod texts;

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::Result;

pub(crate) const LIBRARY_FILE: &str = "library.sqlite3";
pub(crate) const CACHE_FILE: &str = "cache.sqlite3";

/// Append-only: never edit a migration that has shipped; add a new one.
const LIBRARY_MIGRATIONS: &[&str] = &[
    include_str!("migrations/library/0001_books.sql"),
    include_str!("migrations/library/0002_positions.sql"),
    include_str!("migrations/library/0003_section_sizes.sql"),
    include_str!("migrations/library/0004_catalogs.sql"),
    include_str!("migrations/library/0005_profiles_annotations.sql"),
];
const CACHE_MIGRATIONS: &[&str] = &[include_str!("migrations/cache/0001_pages.sql")];

/// Opens (creating if needed) the library and cache databases in `dir` and migrates them.
/// Returns the connection and whether the library database was created just now.
pub(crate) fn open(dir: &Path) -> Result<(Connection, bool)> {
    let conn = Connection::open(dir.join(LIBRARY_FILE))?;
    configure(&conn, "main")?;
    conn.execute("ATTACH DATABASE ?1 AS cache", [dir.join(CACHE_FILE).to_string_lossy()])?;
    configure(&conn, "cache")?;
    let created = migrate(&conn, "main", LIBRARY_MIGRATIONS)? == 0;
    migrate(&conn, "cache", CACHE_MIGRATIONS)?;
    Ok((conn, created))
}

fn configure(conn: &Connection, schema: &str) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    if schema == "main" {
        // The library holds what the pupil owns: readers never wait, and a commit survives
        // power loss.
        conn.pragma_update(Some(schema), "journal_mode", "WAL")?;
        conn.pragma_update(Some(schema), "synchronous", "FULL")?;
    } else {
        // Page images are 50–500 kB blobs, written once and read many times: large database
        // pages keep each in a few pages instead of a long overflow chain (this takes effect
        // when the file is created), reads go through a memory map, and the write-ahead log
        // lets a page turn read without taking a file lock (a rollback journal would write
        // each page once instead of twice, but costs every read a lock: measured slower than
        // reading the PNG from a file). No fsync: a killed app loses nothing (the operating
        // system has the bytes); only a power cut can damage the cache, which `check` reports
        // and which can always be deleted.
        conn.pragma_update(Some(schema), "page_size", 65536)?;
        conn.pragma_update(Some(schema), "mmap_size", 1i64 << 30)?;
        conn.pragma_update(Some(schema), "journal_mode", "WAL")?;
        conn.pragma_update(Some(schema), "synchronous", "OFF")?;
        // Checkpoint every 4 MiB of log: pages read from the file come from the memory map.
        conn.pragma_update(Some(schema), "wal_autocheckpoint", 64)?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Applies the missing migrations of `schema` in one transaction; returns the version found.
fn migrate(conn: &Connection, schema: &str, migrations: &[&str]) -> Result<usize> {
    let found: i64 = conn.pragma_query_value(Some(schema), "user_version", |r| r.get(0))?;
    let found = usize::try_from(found).unwrap_or_default();
    if found >= migrations.len() {
        return Ok(found);
    }
    let tx = conn.unchecked_transaction()?;
    for sql in &migrations[found..] {
        // Tables are created in `main` by default; the cache migrations name their schema.
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(Some(schema), "user_version", migrations.len() as i64)?;
    tx.commit()?;
    Ok(found)
}

/// `PRAGMA integrity_check` and `foreign_key_check` on both databases: the problems found.
pub(crate) fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for schema in ["main", "cache"] {
        let mut stmt = conn.prepare(&format!("PRAGMA {schema}.integrity_check"))?;
        let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        problems.extend(rows.into_iter().filter(|r| r != "ok").map(|r| format!("{schema} database: {r}")));
        let mut stmt = conn.prepare(&format!("PRAGMA {schema}.foreign_key_check"))?;
        let bad: Vec<String> = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<_>>()?;
        problems.extend(bad.into_iter().map(|t| format!("{schema} database: a row of {t} points at nothing")));
    }
    let fts: rusqlite::Result<()> =
        conn.execute_batch("INSERT INTO texts_fts(texts_fts, rank) VALUES('integrity-check', 1)");
    if let Err(e) = fts {
        problems.push(format!("search index: {e}"));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_are_recorded() {
        let dir = tempfile::tempdir().expect("tmp");
        let (conn, created) = open(dir.path()).expect("first open");
        assert!(created, "a new folder gets a new library");
        let v: i64 = conn.pragma_query_value(Some("main"), "user_version", |r| r.get(0)).expect("version");
        assert_eq!(v, LIBRARY_MIGRATIONS.len() as i64);
        drop(conn);
        let (conn, created) = open(dir.path()).expect("second open");
        assert!(!created, "reopening finds the existing library");
        assert!(integrity_problems(&conn).expect("check").is_empty(), "a new library is sound");
        let mode: String = conn.pragma_query_value(Some("main"), "journal_mode", |r| r.get(0)).expect("mode");
        assert_eq!(mode, "wal", "readers must not block the writer");
        let size: i64 = conn.pragma_query_value(Some("cache"), "page_size", |r| r.get(0)).expect("page size");
        assert_eq!(size, 65536, "page images fit in few database pages");
    }
}
