//! reading_positions: where the pupil is in each book.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Result;
use crate::clock::Hlc;

/// The namespace of reading position ids (sync.md §4.1).
const NS_POSITION: uuid::Uuid = uuid::Uuid::from_u128(0x6361_7274_6162_6c65_2d70_6f73_6974_696f);

pub(crate) fn position_id(book_key: &str) -> uuid::Uuid {
    uuid::Uuid::new_v5(&NS_POSITION, book_key.as_bytes())
}

/// The saved `pos` JSON of a book, if any.
pub(crate) fn get(conn: &Connection, profile: &str, book_key: &str) -> Result<Option<(String, f64)>> {
    let mut stmt =
        conn.prepare_cached("SELECT pos, furthest FROM reading_positions WHERE profile_id = ?1 AND id = ?2")?;
    let id = position_id(book_key);
    Ok(stmt.query_row(params![profile, id.as_bytes().as_slice()], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// Progress (0..1) of every book that has a position, by book key.
pub(crate) fn all_progress(conn: &Connection, profile: &str) -> Result<std::collections::HashMap<String, f64>> {
    let mut stmt =
        conn.prepare("SELECT book_key, json_extract(pos, '$.progress') FROM reading_positions WHERE profile_id = ?1")?;
    let rows = stmt
        .query_map([profile], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<f64>>(1)?.unwrap_or_default())))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Saves the position (last writer wins) and raises `furthest` if `progress` is beyond it.
pub(crate) fn set(
    conn: &Connection,
    profile: &str,
    book_key: &str,
    pos: &str,
    progress: f64,
    hlc: Hlc,
    now: i64,
) -> Result<()> {
    let stamp = hlc.to_bytes();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO reading_positions
             (profile_id, id, book_key, created_hlc, pos, pos_hlc, furthest, furthest_hlc, updated_at)
         VALUES (?7, ?1, ?2, ?3, ?4, ?3, ?5, ?3, ?6)
         ON CONFLICT (profile_id, id) DO UPDATE SET
             pos = excluded.pos,
             pos_hlc = excluded.pos_hlc,
             furthest_hlc = CASE WHEN excluded.furthest > furthest THEN excluded.furthest_hlc ELSE furthest_hlc END,
             furthest = max(furthest, excluded.furthest),
             updated_at = excluded.updated_at",
    )?;
    let id = position_id(book_key);
    stmt.execute(params![id.as_bytes().as_slice(), book_key, stamp.as_slice(), pos, progress, now, profile])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_position_wins_furthest_only_grows_and_each_profile_has_its_own() {
        let dir = tempfile::tempdir().expect("tmp");
        let (conn, _) = crate::db::open(dir.path()).expect("open");
        let key = "sha256:ab";
        let first = crate::db::profiles::list(&conn).expect("profiles").remove(0).id;
        let other = crate::profiles::Profile {
            id: "p2".into(),
            name: "Léa".into(),
            has_pin: false,
            color: "green".into(),
            created_at: 0,
        };
        crate::db::profiles::insert(&conn, &other, None).expect("second profile");
        let stamp = |ms| Hlc { ms, counter: 0, node: 1 };
        set(&conn, &first, key, r#"{"loc":"p:40"}"#, 0.4, stamp(1), 1).expect("set");
        set(&conn, &first, key, r#"{"loc":"p:10"}"#, 0.1, stamp(2), 2).expect("set back");
        set(&conn, "p2", key, r#"{"loc":"p:99"}"#, 0.9, stamp(3), 3).expect("another pupil");
        let (pos, furthest) = get(&conn, &first, key).expect("get").expect("saved");
        assert_eq!(pos, r#"{"loc":"p:10"}"#, "going back is where the pupil is");
        assert_eq!(furthest, 0.4, "furthest remembers how far they got");
        let (theirs, _) = get(&conn, "p2", key).expect("get").expect("saved");
        assert_eq!(theirs, r#"{"loc":"p:99"}"#, "each pupil has their own place in the book");
    }
}
