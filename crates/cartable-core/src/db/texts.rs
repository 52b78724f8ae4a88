//! texts and texts_fts: page text and the full-text search index.

use rusqlite::{Connection, params};

use crate::{BookId, Result};

pub(crate) fn insert(conn: &Connection, book: &BookId, texts: &[(usize, Option<String>, String)]) -> Result<()> {
    let mut stmt = conn.prepare("INSERT INTO texts (book_id, idx, label, body) VALUES (?1, ?2, ?3, ?4)")?;
    for (idx, label, body) in texts {
        if !body.trim().is_empty() {
            stmt.execute(params![book, *idx as i64, label, body])?;
        }
    }
    Ok(())
}

/// The whole text of page or section `idx`.
pub(crate) fn text_of(conn: &Connection, book: &BookId, idx: usize) -> Result<String> {
    let mut stmt = conn.prepare_cached("SELECT body FROM texts WHERE book_id = ?1 AND idx = ?2 ORDER BY id")?;
    let parts: Vec<String> =
        stmt.query_map(params![book, idx as i64], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(parts.join("\n"))
}

/// A search hit as the index returns it.
pub(crate) struct Row {
    pub book: BookId,
    pub title: String,
    pub idx: usize,
    pub label: Option<String>,
    pub snippet: String,
}

/// Ranked hits for an FTS5 `query` (already in FTS5 syntax), optionally in one book. The
/// snippet is cut by `snippet` from the page text's bytes while they are still in SQLite's
/// buffer.
pub(crate) fn search(
    conn: &Connection,
    query: &str,
    book: Option<&BookId>,
    limit: usize,
    snippet: &dyn Fn(&[u8]) -> String,
) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT t.book_id, b.title, t.idx, t.label, t.body
         FROM texts_fts
         JOIN texts t ON t.id = texts_fts.rowid
         JOIN books b ON b.id = t.book_id
         WHERE texts_fts MATCH ?1 {}
         ORDER BY rank
         LIMIT ?2",
        if book.is_some() { "AND t.book_id = ?3" } else { "" }
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let map = |r: &rusqlite::Row| {
        let body = r.get_ref(4)?.as_bytes().unwrap_or_default();
        Ok(Row {
            snippet: snippet(body),
            book: r.get(0)?,
            title: r.get(1)?,
            idx: r.get::<_, i64>(2)? as usize,
            label: r.get(3)?,
        })
    };
    let rows = match book {
        Some(book) => stmt.query_map(params![query, limit as i64, book], map)?.collect::<rusqlite::Result<_>>()?,
        None => stmt.query_map(params![query, limit as i64], map)?.collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}
