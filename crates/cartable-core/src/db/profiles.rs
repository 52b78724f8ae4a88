//! profiles and their settings.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Result;
use crate::profiles::Profile;

const COLUMNS: &str = "id, name, pin_hash IS NOT NULL, color, created_at";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Profile> {
    Ok(Profile { id: r.get(0)?, name: r.get(1)?, has_pin: r.get(2)?, color: r.get(3)?, created_at: r.get(4)? })
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Profile>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM profiles ORDER BY created_at, name"))?;
    let rows = stmt.query_map([], read)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Option<Profile>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM profiles WHERE id = ?1"))?;
    Ok(stmt.query_row([id], read).optional()?)
}

pub(crate) fn pin_hash(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT pin_hash FROM profiles WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten())
}

pub(crate) fn name_taken(conn: &Connection, name: &str, except: Option<&str>) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM profiles WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2",
        params![name, except],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

pub(crate) fn insert(conn: &Connection, p: &Profile, pin_hash: Option<&str>) -> Result<()> {
    conn.execute(
        "INSERT INTO profiles (id, name, pin_hash, color, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![p.id, p.name, pin_hash, p.color, p.created_at],
    )?;
    Ok(())
}

pub(crate) fn rename(conn: &Connection, id: &str, name: &str) -> Result<bool> {
    Ok(conn.execute("UPDATE profiles SET name = ?2 WHERE id = ?1", params![id, name])? > 0)
}

pub(crate) fn set_pin(conn: &Connection, id: &str, pin_hash: Option<&str>) -> Result<bool> {
    Ok(conn.execute("UPDATE profiles SET pin_hash = ?2 WHERE id = ?1", params![id, pin_hash])? > 0)
}

/// Removes a profile and, through the foreign keys, everything it wrote.
pub(crate) fn delete(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM profiles WHERE id = ?1", [id])? > 0)
}

pub(crate) fn settings(conn: &Connection, id: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    let mut stmt = conn.prepare_cached("SELECT key, value FROM profile_settings WHERE profile_id = ?1")?;
    let rows: Vec<(String, String)> =
        stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows.into_iter().filter_map(|(k, v)| Some((k, serde_json::from_str(&v).ok()?))).collect())
}

pub(crate) fn set_setting(conn: &Connection, id: &str, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO profile_settings (profile_id, key, value) VALUES (?1, ?2, ?3)
         ON CONFLICT (profile_id, key) DO UPDATE SET value = excluded.value",
        params![id, key, value],
    )?;
    Ok(())
}
