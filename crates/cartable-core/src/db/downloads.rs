//! downloads: the download queue, persisted so that it survives a restart or a kill.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::Result;

/// A download as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DownloadRow {
    pub id: i64,
    pub url: String,
    pub catalog_id: Option<i64>,
    pub entry_id: Option<String>,
    pub entry_url: Option<String>,
    pub title: Option<String>,
    pub updated: Option<String>,
    pub expected_size: Option<u64>,
    pub state: String,
    pub resume: Option<String>,
    pub bytes: u64,
    pub total: Option<u64>,
    pub error_code: Option<String>,
    pub error: Option<String>,
    pub book_id: Option<String>,
    pub replaces: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, url, catalog_id, entry_id, entry_url, title, updated, expected_size, state, resume, bytes, \
     total, error_code, error, book_id, replaces, created_at";

fn row(r: &Row) -> rusqlite::Result<DownloadRow> {
    Ok(DownloadRow {
        id: r.get(0)?,
        url: r.get(1)?,
        catalog_id: r.get(2)?,
        entry_id: r.get(3)?,
        entry_url: r.get(4)?,
        title: r.get(5)?,
        updated: r.get(6)?,
        expected_size: r.get::<_, Option<i64>>(7)?.map(|n| n as u64),
        state: r.get(8)?,
        resume: r.get(9)?,
        bytes: r.get::<_, i64>(10)? as u64,
        total: r.get::<_, Option<i64>>(11)?.map(|n| n as u64),
        error_code: r.get(12)?,
        error: r.get(13)?,
        book_id: r.get(14)?,
        replaces: r.get(15)?,
        created_at: r.get(16)?,
    })
}

/// What is queued: the download's target and where it came from.
pub(crate) struct NewDownload<'a> {
    pub url: &'a str,
    pub catalog_id: Option<i64>,
    pub entry_id: Option<&'a str>,
    pub entry_url: Option<&'a str>,
    pub title: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub expected_size: Option<u64>,
    pub replaces: Option<&'a str>,
}

/// Queues a download; the same URL already waiting or running is not queued twice.
pub(crate) fn enqueue(conn: &Connection, d: &NewDownload, at: i64) -> Result<i64> {
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM downloads WHERE url = ?1 AND state IN ('queued', 'running', 'paused', 'failed')",
            [d.url],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        // Asking again for a paused or failed download resumes it.
        conn.execute(
            "UPDATE downloads SET state = 'queued', updated_at = ?2 WHERE id = ?1 AND state IN ('failed', 'paused')",
            params![id, at],
        )?;
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO downloads (url, catalog_id, entry_id, entry_url, title, updated, expected_size, state, replaces,
                                created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?9, ?9)",
        params![
            d.url,
            d.catalog_id,
            d.entry_id,
            d.entry_url,
            d.title,
            d.updated,
            d.expected_size.map(|n| n as i64),
            d.replaces,
            at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<DownloadRow>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM downloads WHERE id = ?1"), [id], row).optional()?)
}

/// Every download, newest first.
pub(crate) fn list(conn: &Connection) -> Result<Vec<DownloadRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM downloads ORDER BY id DESC"))?;
    let rows = stmt.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The oldest queued download, marked running; `None` when nothing waits.
pub(crate) fn claim_next(conn: &Connection, at: i64) -> Result<Option<DownloadRow>> {
    let next: Option<i64> = conn
        .query_row("SELECT id FROM downloads WHERE state = 'queued' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .optional()?;
    let Some(id) = next else { return Ok(None) };
    let claimed = conn.execute(
        "UPDATE downloads SET state = 'running', updated_at = ?2 WHERE id = ?1 AND state = 'queued'",
        params![id, at],
    )?;
    if claimed == 0 {
        return Ok(None);
    }
    get(conn, id)
}

/// After a restart (or a kill), downloads that were running are queued again; they resume
/// from their saved state.
pub(crate) fn requeue_interrupted(conn: &Connection, at: i64) -> Result<usize> {
    Ok(conn.execute("UPDATE downloads SET state = 'queued', updated_at = ?1 WHERE state = 'running'", [at])?)
}

pub(crate) fn save_progress(
    conn: &Connection,
    id: i64,
    resume: &str,
    bytes: u64,
    total: Option<u64>,
    at: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE downloads SET resume = ?2, bytes = ?3, total = ?4, updated_at = ?5 WHERE id = ?1",
        params![id, resume, bytes as i64, total.map(|n| n as i64), at],
    )?;
    Ok(())
}

pub(crate) fn set_state(conn: &Connection, id: i64, state: &str, error: Option<(&str, &str)>, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE downloads SET state = ?2, error_code = ?3, error = ?4, updated_at = ?5 WHERE id = ?1",
        params![id, state, error.map(|e| e.0), error.map(|e| e.1), at],
    )?;
    Ok(())
}

pub(crate) fn finish(conn: &Connection, id: i64, book_id: &str, size: u64, at: i64) -> Result<()> {
    conn.execute(
        "UPDATE downloads SET state = 'done', book_id = ?2, resume = NULL, error_code = NULL, error = NULL,
                              bytes = ?4, total = ?4, updated_at = ?3 WHERE id = ?1",
        params![id, book_id, at, size as i64],
    )?;
    Ok(())
}

/// Finished and cancelled downloads are forgotten (their books stay).
pub(crate) fn clear_finished(conn: &Connection) -> Result<usize> {
    Ok(conn.execute("DELETE FROM downloads WHERE state IN ('done', 'cancelled')", [])?)
}
