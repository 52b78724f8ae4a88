//! Identifiers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A book's identity: the sha256 of the file as it was imported, in lower-case hex.
/// The same file imported twice, on any computer, is the same book.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BookId(String);

impl BookId {
    pub(crate) fn from_hex(hex: String) -> BookId {
        debug_assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
        BookId(hex)
    }

    /// A full id as it crosses from a UI: 64 hex digits.
    pub fn parse(text: &str) -> crate::Result<BookId> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.len() == 64 && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(BookId(lower))
        } else {
            Err(crate::Error::BookNotFound(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 hex digits, enough to name a book on the command line.
    pub fn short(&self) -> &str {
        &self.0[..12.min(self.0.len())]
    }

    /// The stable key other records (positions, annotations, sync) use to refer to this book.
    pub fn book_key(&self) -> String {
        format!("sha256:{}", self.0)
    }
}

impl fmt::Display for BookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl rusqlite::ToSql for BookId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl rusqlite::types::FromSql for BookId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        String::column_result(value).map(BookId)
    }
}
