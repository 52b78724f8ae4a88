//! catalogs, feeds, book_sources: catalogues, what was seen of them, where books came from.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::Result;

/// A catalogue as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CatalogRow {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub username: Option<String>,
    pub auth: Option<String>,
    pub bundled: bool,
    pub added_at: i64,
}

fn catalog(r: &Row) -> rusqlite::Result<CatalogRow> {
    Ok(CatalogRow {
        id: r.get(0)?,
        name: r.get(1)?,
        url: r.get(2)?,
        username: r.get(3)?,
        auth: r.get(4)?,
        bundled: r.get(5)?,
        added_at: r.get(6)?,
    })
}

const COLUMNS: &str = "id, name, url, username, auth, bundled, added_at";

pub(crate) fn add(
    conn: &Connection,
    name: &str,
    url: &str,
    username: Option<&str>,
    bundled: bool,
    at: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO catalogs (name, url, username, bundled, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (url) DO UPDATE SET name = excluded.name, username = coalesce(excluded.username, username)",
        params![name, url, username, bundled, at],
    )?;
    Ok(conn.query_row("SELECT id FROM catalogs WHERE url = ?1", [url], |r| r.get(0))?)
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<CatalogRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM catalogs ORDER BY bundled, name COLLATE NOCASE"))?;
    let rows = stmt.query_map([], catalog)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<CatalogRow>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM catalogs WHERE id = ?1"), [id], catalog).optional()?)
}

pub(crate) fn rename(conn: &Connection, id: i64, name: &str) -> Result<bool> {
    Ok(conn.execute("UPDATE catalogs SET name = ?2 WHERE id = ?1", params![id, name])? > 0)
}

pub(crate) fn set_auth(conn: &Connection, id: i64, username: Option<&str>, auth: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE catalogs SET username = ?2, auth = coalesce(?3, auth) WHERE id = ?1",
        params![id, username, auth],
    )?;
    Ok(())
}

pub(crate) fn remove(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM catalogs WHERE id = ?1", [id])? > 0)
}

/// Keeps the last copy of a feed page, to show it offline.
pub(crate) fn save_feed(
    conn: &Connection,
    url: &str,
    catalog: Option<i64>,
    body: &[u8],
    content_type: Option<&str>,
    at: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO feeds (url, catalog_id, body, content_type, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (url) DO UPDATE SET body = excluded.body, content_type = excluded.content_type,
                                         fetched_at = excluded.fetched_at",
        params![url, catalog, body, content_type, at],
    )?;
    Ok(())
}

/// The last copy of a feed page.
pub(crate) struct SavedFeed {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub fetched_at: i64,
}

pub(crate) fn saved_feed(conn: &Connection, url: &str) -> Result<Option<SavedFeed>> {
    Ok(conn
        .query_row("SELECT body, content_type, fetched_at FROM feeds WHERE url = ?1", [url], |r| {
            Ok(SavedFeed { body: r.get(0)?, content_type: r.get(1)?, fetched_at: r.get(2)? })
        })
        .optional()?)
}

/// Where a book came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SourceRow {
    pub book_id: String,
    pub catalog_id: Option<i64>,
    pub entry_id: Option<String>,
    pub entry_url: Option<String>,
    pub acquisition_url: String,
    pub updated: Option<String>,
}

pub(crate) fn set_source(conn: &Connection, s: &SourceRow, at: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO book_sources (book_id, catalog_id, entry_id, entry_url, acquisition_url, updated, checked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (book_id) DO UPDATE SET catalog_id = excluded.catalog_id, entry_id = excluded.entry_id,
             entry_url = excluded.entry_url, acquisition_url = excluded.acquisition_url,
             updated = excluded.updated, checked_at = excluded.checked_at",
        params![s.book_id, s.catalog_id, s.entry_id, s.entry_url, s.acquisition_url, s.updated, at],
    )?;
    Ok(())
}

pub(crate) fn sources(conn: &Connection) -> Result<Vec<SourceRow>> {
    let mut stmt = conn.prepare(
        "SELECT book_id, catalog_id, entry_id, entry_url, acquisition_url, updated FROM book_sources ORDER BY book_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(SourceRow {
                book_id: r.get(0)?,
                catalog_id: r.get(1)?,
                entry_id: r.get(2)?,
                entry_url: r.get(3)?,
                acquisition_url: r.get(4)?,
                updated: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn touch_checked(conn: &Connection, book_id: &str, at: i64) -> Result<()> {
    conn.execute("UPDATE book_sources SET checked_at = ?2 WHERE book_id = ?1", params![book_id, at])?;
    Ok(())
}

pub(crate) fn save_image(
    conn: &Connection,
    url: &str,
    catalog: Option<i64>,
    bytes: &[u8],
    content_type: Option<&str>,
    at: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO catalog_images (url, catalog_id, bytes, content_type, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (url) DO UPDATE SET bytes = excluded.bytes, content_type = excluded.content_type,
                                         fetched_at = excluded.fetched_at",
        params![url, catalog, bytes, content_type, at],
    )?;
    Ok(())
}

/// A catalogue image seen before: (bytes, content type).
pub(crate) fn saved_image(conn: &Connection, url: &str) -> Result<Option<(Vec<u8>, Option<String>)>> {
    Ok(conn
        .query_row("SELECT bytes, content_type FROM catalog_images WHERE url = ?1", [url], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}
