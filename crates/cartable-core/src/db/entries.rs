//! library_entries: library membership as a sync-ready record (design/sync.md §4.3).

use rusqlite::{Connection, params};

use crate::Result;
use crate::clock::Hlc;

/// The namespace of library entry ids: uuid v5 of the book key in it (sync.md §4.1).
const NS_LIBRARY: uuid::Uuid = uuid::Uuid::from_u128(0x6361_7274_6162_6c65_2d6c_6962_7261_7279);

pub(crate) fn entry_id(book_key: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&NS_LIBRARY, book_key.as_bytes())
}

/// Marks the book as a member of the library (creating its entry, or re-adding a removed one).
pub(crate) fn add(conn: &Connection, book_key: &str, meta: &serde_json::Value, at: i64, hlc: Hlc) -> Result<()> {
    let id = entry_id(book_key);
    let stamp = hlc.to_bytes();
    conn.execute(
        "INSERT INTO library_entries (id, book_key, created_hlc, added_at, meta, meta_hlc, member, member_hlc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?3, 1, ?3)
         ON CONFLICT (id) DO UPDATE SET meta = excluded.meta, meta_hlc = excluded.meta_hlc,
                                        member = 1, member_hlc = excluded.member_hlc",
        params![id.as_bytes().as_slice(), book_key, stamp.as_slice(), at, meta.to_string()],
    )?;
    Ok(())
}

/// Marks the book as removed: the entry stays so that a later sync or re-import can revive it.
pub(crate) fn remove(conn: &Connection, book_key: &str, hlc: Hlc) -> Result<()> {
    conn.execute(
        "UPDATE library_entries SET member = 0, member_hlc = ?2 WHERE id = ?1",
        params![entry_id(book_key).as_bytes().as_slice(), hlc.to_bytes().as_slice()],
    )?;
    Ok(())
}

/// (book key, member) of every entry.
#[cfg(test)]
pub(crate) fn all(conn: &Connection) -> Result<Vec<(String, bool)>> {
    let mut stmt = conn.prepare("SELECT book_key, member FROM library_entries ORDER BY book_key")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_keeps_the_entry_and_a_new_import_revives_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let (conn, _) = crate::db::open(dir.path()).expect("open");
        let key = "sha256:00ff";
        let stamp = |ms| Hlc { ms, counter: 0, node: 1 };
        add(&conn, key, &serde_json::json!({"title": "A"}), 1, stamp(1)).expect("add");
        remove(&conn, key, stamp(2)).expect("remove");
        assert_eq!(all(&conn).expect("all"), [(key.to_owned(), false)], "removal is member = false, not a deletion");
        add(&conn, key, &serde_json::json!({"title": "A"}), 3, stamp(3)).expect("add again");
        assert_eq!(all(&conn).expect("all"), [(key.to_owned(), true)], "the same deterministic id comes back");
        assert_eq!(entry_id(key), entry_id(key), "ids are deterministic (uuid v5)");
    }
}
