//! books, pages, sections, page_targets, toc.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::model::{Book, BookSummary, Format, Identifier, Layout, PageLabel, PageSize, Section, Source, TocEntry};
use crate::{BookId, Result};

/// A parsed book, ready to be written in one transaction.
#[derive(Debug, Clone)]
pub(crate) struct NewBook {
    pub id: BookId,
    pub format: Format,
    pub title: String,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub publisher: Option<String>,
    pub description: Option<String>,
    pub subjects: Vec<String>,
    pub identifiers: Vec<Identifier>,
    pub published: Option<String>,
    pub layout: Layout,
    pub rtl: bool,
    pub page_count: Option<usize>,
    pub section_count: Option<usize>,
    pub file_path: String,
    pub file_sha256: String,
    pub file_size: u64,
    pub cover_path: Option<String>,
    pub was_protected: bool,
    pub source: Source,
    pub added_at: i64,
    /// PDF pages: label and size in points.
    pub pages: Vec<(Option<String>, PageSize)>,
    pub sections: Vec<Section>,
    pub page_targets: Vec<PageLabel>,
    pub toc: Vec<TocEntry>,
    /// (page or spine index, printed label, text)
    pub texts: Vec<(usize, Option<String>, String)>,
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

fn from_json<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

pub(crate) fn insert(conn: &Connection, b: &NewBook) -> Result<()> {
    conn.execute(
        "INSERT INTO books (id, format, title, authors, language, publisher, description, subjects,
             identifiers, published, layout, direction, page_count, section_count, file_path,
             file_sha256, file_size, cover_path, was_protected, source, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        params![
            b.id,
            b.format.as_str(),
            b.title,
            json(&b.authors),
            b.language,
            b.publisher,
            b.description,
            json(&b.subjects),
            json(&b.identifiers),
            b.published,
            b.layout.as_str(),
            if b.rtl { "rtl" } else { "ltr" },
            b.page_count.map(|n| n as i64),
            b.section_count.map(|n| n as i64),
            b.file_path,
            b.file_sha256,
            b.file_size as i64,
            b.cover_path,
            b.was_protected,
            json(&b.source),
            b.added_at,
        ],
    )?;
    let mut stmt =
        conn.prepare("INSERT INTO pages (book_id, idx, label, width, height) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (idx, (label, size)) in b.pages.iter().enumerate() {
        stmt.execute(params![b.id, idx as i64, label, size.width as f64, size.height as f64])?;
    }
    let mut stmt = conn.prepare(
        "INSERT INTO sections (book_id, idx, href, media_type, linear, layout, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (idx, s) in b.sections.iter().enumerate() {
        let layout = s.layout.map(Layout::as_str);
        stmt.execute(params![b.id, idx as i64, s.href, s.media_type, s.linear, layout, s.size as i64])?;
    }
    let mut stmt =
        conn.prepare("INSERT INTO page_targets (book_id, ord, label, href, section) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for (ord, t) in b.page_targets.iter().enumerate() {
        stmt.execute(params![b.id, ord as i64, t.label, t.href, t.page.map(|p| p as i64)])?;
    }
    let mut stmt =
        conn.prepare("INSERT INTO toc (book_id, ord, depth, title, page, href) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for (ord, t) in b.toc.iter().enumerate() {
        stmt.execute(params![b.id, ord as i64, t.depth, t.title, t.page.map(|p| p as i64), t.href])?;
    }
    crate::db::texts::insert(conn, &b.id, &b.texts)?;
    Ok(())
}

const SUMMARY_COLUMNS: &str = "id, title, authors, format, layout, page_count, section_count, language, file_size, \
     added_at, opened_at, source";

fn summary(row: &Row) -> rusqlite::Result<BookSummary> {
    Ok(BookSummary {
        id: row.get(0)?,
        title: row.get(1)?,
        authors: from_json(&row.get::<_, String>(2)?),
        format: Format::parse(&row.get::<_, String>(3)?),
        layout: Layout::parse(&row.get::<_, String>(4)?),
        pages: row.get::<_, Option<i64>>(5)?.map(|n| n as usize),
        sections: row.get::<_, Option<i64>>(6)?.map(|n| n as usize),
        language: row.get(7)?,
        file_size: row.get::<_, i64>(8)? as u64,
        added_at: row.get(9)?,
        opened_at: row.get(10)?,
        source: serde_json::from_str(&row.get::<_, String>(11)?).unwrap_or(Source::File { path: String::new() }),
    })
}

/// Every book, by title.
pub(crate) fn list(conn: &Connection) -> Result<Vec<BookSummary>> {
    let mut stmt = conn.prepare(&format!("SELECT {SUMMARY_COLUMNS} FROM books ORDER BY title COLLATE NOCASE, id"))?;
    let rows = stmt.query_map([], summary)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn exists(conn: &Connection, id: &BookId) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM books WHERE id = ?1", [id], |_| Ok(())).optional()?.is_some())
}

/// Books whose id starts with `query` (at least 4 hex digits), or else whose title is it,
/// starts with it, or contains it, in that order of preference.
pub(crate) fn find(conn: &Connection, query: &str) -> Result<Vec<(BookId, String)>> {
    let lower = query.to_lowercase();
    if lower.len() >= 4 && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut stmt = conn.prepare("SELECT id, title FROM books WHERE substr(id, 1, ?2) = ?1")?;
        let rows: Vec<(BookId, String)> = stmt
            .query_map(params![lower, lower.len() as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if !rows.is_empty() {
            return Ok(rows);
        }
    }
    let mut stmt = conn.prepare("SELECT id, title FROM books ORDER BY title")?;
    let all: Vec<(BookId, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let wanted = fold(query);
    let exact: Vec<_> = all.iter().filter(|(_, t)| fold(t) == wanted).cloned().collect();
    if !exact.is_empty() {
        return Ok(exact);
    }
    let starting: Vec<_> = all.iter().filter(|(_, t)| fold(t).starts_with(&wanted)).cloned().collect();
    if !starting.is_empty() {
        return Ok(starting);
    }
    Ok(all.into_iter().filter(|(_, t)| fold(t).contains(&wanted)).collect())
}

/// Lower case without accents, for matching titles the way people type them.
fn fold(text: &str) -> String {
    crate::text::fold(text.trim())
}

pub(crate) fn get(conn: &Connection, id: &BookId) -> Result<Option<Book>> {
    let row = conn
        .query_row(
            &format!(
                "SELECT {SUMMARY_COLUMNS}, publisher, description, subjects, identifiers, published, direction,
                        was_protected, file_path, file_sha256, cover_path
                 FROM books WHERE id = ?1"
            ),
            [id],
            |r| {
                Ok(Book {
                    summary: summary(r)?,
                    publisher: r.get(12)?,
                    description: r.get(13)?,
                    subjects: from_json(&r.get::<_, String>(14)?),
                    identifiers: from_json(&r.get::<_, String>(15)?),
                    published: r.get(16)?,
                    direction: r.get(17)?,
                    was_protected: r.get(18)?,
                    file_path: r.get(19)?,
                    file_sha256: r.get(20)?,
                    cover_path: r.get(21)?,
                    has_cover: false,
                    toc: Vec::new(),
                    page_labels: Vec::new(),
                    spine: Vec::new(),
                    page_sizes: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut book) = row else { return Ok(None) };
    book.has_cover = book.summary.format == Format::Pdf || book.cover_path.is_some();
    book.toc = toc(conn, id)?;
    book.spine = sections(conn, id)?;
    let (labels, sizes) = pages(conn, id)?;
    book.page_sizes = sizes;
    book.page_labels = if book.summary.format == Format::Pdf { labels } else { page_targets(conn, id)? };
    Ok(Some(book))
}

fn toc(conn: &Connection, id: &BookId) -> Result<Vec<TocEntry>> {
    let mut stmt = conn.prepare("SELECT title, depth, page, href FROM toc WHERE book_id = ?1 ORDER BY ord")?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(TocEntry {
                title: r.get(0)?,
                depth: r.get(1)?,
                page: r.get::<_, Option<i64>>(2)?.map(|p| p as usize),
                href: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn sections(conn: &Connection, id: &BookId) -> Result<Vec<Section>> {
    let mut stmt =
        conn.prepare("SELECT href, media_type, linear, layout, size FROM sections WHERE book_id = ?1 ORDER BY idx")?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(Section {
                href: r.get(0)?,
                media_type: r.get(1)?,
                linear: r.get(2)?,
                layout: r.get::<_, Option<String>>(3)?.map(|l| Layout::parse(&l)),
                size: r.get::<_, i64>(4)? as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// PDF page labels (pages with a label only) and every page's size.
fn pages(conn: &Connection, id: &BookId) -> Result<(Vec<PageLabel>, Vec<PageSize>)> {
    let mut stmt = conn.prepare("SELECT idx, label, width, height FROM pages WHERE book_id = ?1 ORDER BY idx")?;
    let mut labels = Vec::new();
    let mut sizes = Vec::new();
    let mut rows = stmt.query([id])?;
    while let Some(r) = rows.next()? {
        let idx: i64 = r.get(0)?;
        if let Some(label) = r.get::<_, Option<String>>(1)? {
            labels.push(PageLabel { label, page: Some(idx as usize), href: None });
        }
        sizes.push(PageSize { width: r.get::<_, f64>(2)? as f32, height: r.get::<_, f64>(3)? as f32 });
    }
    Ok((labels, sizes))
}

fn page_targets(conn: &Connection, id: &BookId) -> Result<Vec<PageLabel>> {
    let mut stmt = conn.prepare("SELECT label, section, href FROM page_targets WHERE book_id = ?1 ORDER BY ord")?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(PageLabel { label: r.get(0)?, page: r.get::<_, Option<i64>>(1)?.map(|p| p as usize), href: r.get(2)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The page (0-based) whose printed label is `label`: exact first, then ignoring case.
pub(crate) fn page_for_label(conn: &Connection, id: &BookId, label: &str) -> Result<Option<usize>> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT idx FROM pages WHERE book_id = ?1 AND label = ?2
             UNION ALL
             SELECT idx FROM pages WHERE book_id = ?1 AND label = ?2 COLLATE NOCASE
             LIMIT 1",
            params![id, label],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.map(|p| p as usize))
}

/// (relative path, sha256) of every stored file.
pub(crate) fn files(conn: &Connection) -> Result<Vec<(BookId, String, String)>> {
    let mut stmt = conn.prepare("SELECT id, file_path, file_sha256 FROM books ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn is_file_referenced(conn: &Connection, relative: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM books WHERE file_path = ?1", [relative], |_| Ok(())).optional()?.is_some())
}

pub(crate) fn touch_opened(conn: &Connection, id: &BookId, at: i64) -> Result<()> {
    conn.execute("UPDATE books SET opened_at = ?2 WHERE id = ?1", params![id, at])?;
    Ok(())
}

/// Deletes the book and everything that hangs on it (cascade), returning its stored file path.
pub(crate) fn delete(conn: &Connection, id: &BookId) -> Result<Option<String>> {
    let path: Option<String> =
        conn.query_row("SELECT file_path FROM books WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    conn.execute("DELETE FROM books WHERE id = ?1", [id])?;
    Ok(path)
}
