//! cache.pages: rendered pages, ready to show.

use rusqlite::{Connection, params};

use crate::{BookId, Result};

/// A cached page image.
pub(crate) struct Cached {
    pub height: u32,
    pub bytes: Vec<u8>,
}

/// The row key of a page: FNV-1a over the key fields, as a positive 63-bit integer. Stable
/// across builds (it is stored), and collisions among a library's pages are out of reach
/// (a birthday bound of about 2^31 pages).
fn key(book: &BookId, bucket: &str, width: u32, idx: usize) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let width = width.to_le_bytes();
    let idx = (idx as u64).to_le_bytes();
    for part in [book.as_str().as_bytes(), b"/", bucket.as_bytes(), b"/", &width, &idx] {
        for byte in part {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (hash >> 1) as i64
}

/// The cached page: one b-tree descent by key, and the bytes copied once, from the database
/// straight into the returned buffer (a `SELECT bytes` would copy them twice).
pub(crate) fn get(conn: &Connection, book: &BookId, bucket: &str, width: u32, idx: usize) -> Result<Option<Cached>> {
    let key = key(book, bucket, width, idx);
    let blob = match conn.blob_open("cache", "pages", "bytes", key, true) {
        Ok(blob) => blob,
        Err(e) => {
            // "no such rowid" is a miss; anything else is a real error.
            let exists = conn.prepare_cached("SELECT 1 FROM cache.pages WHERE key = ?1")?.exists([key])?;
            return if exists { Err(e.into()) } else { Ok(None) };
        }
    };
    let mut bytes = vec![0u8; blob.len()];
    blob.read_at_exact(&mut bytes, 0)?;
    let height = png_height(&bytes).unwrap_or_default();
    Ok(Some(Cached { height, bytes }))
}

/// The height written in a PNG's header.
fn png_height(png: &[u8]) -> Option<u32> {
    let ihdr = png.get(16..24)?;
    Some(u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]))
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
        "INSERT OR REPLACE INTO cache.pages (key, book_id, bucket, width, idx, height, mime, bytes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    stmt.execute(params![key(book, bucket, width, idx), book, bucket, width, idx as i64, height, mime, bytes, now])?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_trip_and_misses_are_none() {
        let dir = tempfile::tempdir().expect("tmp");
        let (conn, _) = crate::db::open(dir.path()).expect("open");
        let book = BookId::from_hex("ab".repeat(32));
        let mut png = vec![0u8; 40];
        png[20..24].copy_from_slice(&1414u32.to_be_bytes());
        put(&conn, &book, "pages-v1", 1000, 3, 1414, "image/png", &png, 1).expect("put");
        let got = get(&conn, &book, "pages-v1", 1000, 3).expect("get").expect("cached");
        assert_eq!((got.height, got.bytes), (1414, png), "bytes and height come back");
        assert!(get(&conn, &book, "pages-v1", 1000, 4).expect("get").is_none(), "another page is a miss");
        assert!(get(&conn, &book, "pages-v1", 800, 3).expect("get").is_none(), "another width is a miss");
        assert_eq!(cached_pages(&conn, &book, "pages-v1", 1000).expect("list"), [3]);
    }

    #[test]
    fn keys_differ_across_each_field() {
        let book = BookId::from_hex("cd".repeat(32));
        let base = key(&book, "pages-v1", 1000, 1);
        assert!(base >= 0);
        assert_ne!(base, key(&book, "pages-v1", 1000, 2));
        assert_ne!(base, key(&book, "pages-v1", 1001, 1));
        assert_ne!(base, key(&book, "pages-v2", 1000, 1));
        assert_ne!(base, key(&BookId::from_hex("ce".repeat(32)), "pages-v1", 1000, 1));
    }
}
