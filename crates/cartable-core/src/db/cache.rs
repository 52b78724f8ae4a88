//! cache.pages: rendered pages, ready to show.

use rusqlite::{Connection, OptionalExtension, params};

use crate::{BookId, Result};

/// A cached page image.
pub(crate) struct Cached {
    pub height: u32,
    pub bytes: Vec<u8>,
}

pub(crate) fn get(conn: &Connection, book: &BookId, bucket: &str, width: u32, idx: usize) -> Result<Option<Cached>> {
    let mut stmt = conn.prepare_cached(
        "SELECT height, bytes FROM cache.pages WHERE book_id = ?1 AND bucket = ?2 AND width = ?3 AND idx = ?4",
    )?;
    Ok(stmt
        .query_row(params![book, bucket, width, idx as i64], |r| Ok(Cached { height: r.get(0)?, bytes: r.get(1)? }))
        .optional()?)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn put(
    conn: &Connection,
    book: &BookId,
    bucket: &str,
    width: u32,
    idx: usize,
    height: u32,
    mime: &str,
    bytes: &[u8],
    now: i64,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO cache.pages (book_id, bucket, width, idx, height, mime, bytes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    stmt.execute(params![book, bucket, width, idx as i64, height, mime, bytes, now])?;
    Ok(())
}

/// Which pages of a book are cached at this width.
pub(crate) fn cached_pages(conn: &Connection, book: &BookId, bucket: &str, width: u32) -> Result<Vec<usize>> {
    let mut stmt =
        conn.prepare("SELECT idx FROM cache.pages WHERE book_id = ?1 AND bucket = ?2 AND width = ?3 ORDER BY idx")?;
    let rows = stmt
        .query_map(params![book, bucket, width], |r| r.get::<_, i64>(0).map(|i| i as usize))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn delete_book(conn: &Connection, book: &BookId) -> Result<()> {
    conn.execute("DELETE FROM cache.pages WHERE book_id = ?1", [book])?;
    Ok(())
}

/// Cache rows whose book is no longer in the library.
pub(crate) fn delete_orphans(conn: &Connection) -> Result<usize> {
    Ok(conn.execute("DELETE FROM cache.pages WHERE book_id NOT IN (SELECT id FROM main.books)", [])?)
}
