//! Reading the sources of the textbook: `livre.txt` for the metadata and the list
//! of chapters, and block files in the markup of [`super::markup`].

use std::fs;
use std::path::{Path, PathBuf};

use super::markup::{self, Block};
use crate::Error;
use crate::pdf::font;

/// The metadata of the book, from `livre.txt`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Meta {
    pub(crate) title: String,
    pub(crate) subtitle: String,
    pub(crate) level: String,
    pub(crate) author: String,
    pub(crate) subject: String,
    pub(crate) keywords: String,
    /// `YYYY-MM-DDThh:mm:ssZ`, the edition date.
    pub(crate) date: String,
    pub(crate) lang: String,
    pub(crate) licence: String,
    pub(crate) chapters: Vec<String>,
}

impl Meta {
    /// The full title, as in the document information.
    pub(crate) fn full_title(&self) -> String {
        format!("{} : {}", self.title, self.subtitle)
    }

    /// The edition date in PDF form, `D:YYYYMMDDhhmmssZ`.
    pub(crate) fn pdf_date(&self) -> String {
        let digits: String = self.date.chars().filter(char::is_ascii_digit).collect();
        format!("D:{digits}Z")
    }
}

/// Reads a source file.
pub(crate) fn read(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })
}

fn source_error(path: &Path, line: usize, message: impl Into<String>) -> Error {
    Error::Source { path: path.to_owned(), line, message: message.into() }
}

/// Reads `livre.txt`: `key: value` lines, `%` comments.
pub(crate) fn meta(dir: &Path) -> Result<Meta, Error> {
    let path = dir.join("livre.txt");
    let text = read(&path)?;
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('%') {
            continue;
        }
        let (key, value) = line.split_once(':').ok_or_else(|| source_error(&path, i + 1, "expected « key: value »"))?;
        if let Some(c) = font::unprintable(value) {
            return Err(source_error(&path, i + 1, format!("« {c} » cannot be printed")));
        }
        pairs.push((key.trim().to_owned(), value.trim().to_owned()));
    }
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| source_error(&path, 0, format!("missing « {key}: … »")))
    };
    let meta = Meta {
        title: get("titre")?,
        subtitle: get("sous-titre")?,
        level: get("niveau")?,
        author: get("auteur")?,
        subject: get("sujet")?,
        keywords: get("mots-cles")?,
        date: get("date")?,
        lang: get("langue")?,
        licence: get("licence")?,
        chapters: get("chapitres")?.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
    };
    if !crate::date::is_utc_timestamp(&meta.date) {
        return Err(source_error(&path, 0, "date must look like 2026-11-27T08:00:00Z"));
    }
    Ok(meta)
}

/// Reads and parses one block file.
pub(crate) fn blocks(dir: &Path, name: &str) -> Result<Vec<Block>, Error> {
    let path: PathBuf = dir.join(name);
    let text = read(&path)?;
    markup::parse(&text).map_err(|e| source_error(&path, e.line, e.message))
}
