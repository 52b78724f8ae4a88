//! annotations: bookmarks, highlights, notes and ink strokes of each profile, as sync records.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::Result;
use crate::annotations::record::{self, Kind, Record};
use crate::clock::Hlc;

/// A stored record with its local times (unix ms).
pub(crate) struct Stored {
    pub record: Record,
    pub created_at: i64,
    pub modified_at: i64,
}

const COLUMNS: &str = "kind, id, book_key, init, created_hlc, fields, blob, del_hlc, created_at, modified_at";

fn read(r: &Row<'_>) -> rusqlite::Result<Option<Stored>> {
    let kind: String = r.get(0)?;
    let id: Vec<u8> = r.get(1)?;
    let init: String = r.get(3)?;
    let created: Vec<u8> = r.get(4)?;
    let fields: String = r.get(5)?;
    let del: Option<Vec<u8>> = r.get(7)?;
    // A row this version cannot read (a newer kind, damaged JSON) is skipped, never rewritten.
    let (Some(kind), Ok(id), Ok(init), Some(created)) =
        (Kind::parse(&kind), uuid::Uuid::from_slice(&id), serde_json::from_str(&init), Hlc::from_bytes(&created))
    else {
        return Ok(None);
    };
    Ok(Some(Stored {
        record: Record {
            kind,
            id,
            book_key: r.get(2)?,
            init,
            created,
            fields: record::fields_from_json(&fields),
            blob: r.get(6)?,
            del: del.as_deref().and_then(Hlc::from_bytes),
        },
        created_at: r.get(8)?,
        modified_at: r.get(9)?,
    }))
}

fn collect(rows: impl Iterator<Item = rusqlite::Result<Option<Stored>>>) -> Result<Vec<Stored>> {
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

pub(crate) fn get(conn: &Connection, profile: &str, id: uuid::Uuid) -> Result<Option<Stored>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM annotations WHERE profile_id = ?1 AND id = ?2"))?;
    Ok(stmt.query_row(params![profile, id.as_bytes().as_slice()], read).optional()?.flatten())
}

/// Writes the record as it now is (after a merge).
pub(crate) fn put(conn: &Connection, profile: &str, s: &Stored, place: usize, ord: usize, search: &str) -> Result<()> {
    let r = &s.record;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO annotations (profile_id, id, kind, book_key, place, ord, init, created_hlc, fields, blob,
                                  del_hlc, created_at, modified_at, search_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (profile_id, id) DO UPDATE SET
             place = excluded.place, ord = excluded.ord, init = excluded.init,
             created_hlc = excluded.created_hlc, fields = excluded.fields, blob = excluded.blob,
             del_hlc = excluded.del_hlc, modified_at = excluded.modified_at,
             search_text = excluded.search_text",
    )?;
    stmt.execute(params![
        profile,
        r.id.as_bytes().as_slice(),
        r.kind.as_str(),
        r.book_key,
        place as i64,
        ord as i64,
        r.init.to_string(),
        r.created.to_bytes().as_slice(),
        record::fields_to_json(&r.fields),
        r.blob,
        r.del.map(|d| d.to_bytes().to_vec()),
        s.created_at,
        s.modified_at,
        search,
    ])?;
    Ok(())
}

/// The live annotations of a book, in reading order; only those of one page or section when given.
pub(crate) fn list(conn: &Connection, profile: &str, book_key: &str, place: Option<usize>) -> Result<Vec<Stored>> {
    // Two statements rather than `(?3 IS NULL OR place = ?3)`, which keeps SQLite from using
    // the index on `place`: a page of a heavily annotated book reads its own rows only.
    let rows = match place {
        Some(place) => {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM annotations
                 WHERE profile_id = ?1 AND book_key = ?2 AND place = ?3 AND del_hlc IS NULL
                 ORDER BY ord, created_hlc"
            ))?;
            let rows = stmt.query_map(params![profile, book_key, place as i64], read)?;
            collect(rows)?
        }
        None => {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM annotations
                 WHERE profile_id = ?1 AND book_key = ?2 AND del_hlc IS NULL
                 ORDER BY place, ord, created_hlc"
            ))?;
            let rows = stmt.query_map(params![profile, book_key], read)?;
            collect(rows)?
        }
    };
    Ok(rows)
}

/// Live annotations of a profile whose text matches an FTS5 query, best first.
pub(crate) fn search(conn: &Connection, profile: &str, fts: &str, limit: usize) -> Result<Vec<Stored>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM annotations
         WHERE seq IN (SELECT rowid FROM annotations_fts WHERE annotations_fts MATCH ?2 ORDER BY rank)
           AND profile_id = ?1 AND del_hlc IS NULL
         ORDER BY modified_at DESC LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![profile, fts, limit as i64], read)?;
    collect(rows)
}

/// The most recently changed live annotations of a profile that carry text.
pub(crate) fn recent(conn: &Connection, profile: &str, limit: usize) -> Result<Vec<Stored>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM annotations
         WHERE profile_id = ?1 AND del_hlc IS NULL AND search_text != ''
         ORDER BY modified_at DESC LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![profile, limit as i64], read)?;
    collect(rows)
}

/// Live annotations of a book, all profiles together.
pub(crate) fn count_for_book(conn: &Connection, book_key: &str) -> Result<usize> {
    let n: i64 =
        conn.query_row("SELECT count(*) FROM annotations WHERE book_key = ?1 AND del_hlc IS NULL", [book_key], |r| {
            r.get(0)
        })?;
    Ok(usize::try_from(n).unwrap_or_default())
}

/// The latest stamp any annotation carries, to start the clock past it.
pub(crate) fn latest_stamp(conn: &Connection) -> Result<Option<Hlc>> {
    let b: Option<Vec<u8>> = conn.query_row("SELECT max(created_hlc) FROM annotations", [], |r| r.get(0))?;
    Ok(b.as_deref().and_then(Hlc::from_bytes))
}
