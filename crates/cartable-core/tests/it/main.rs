//! The library against real files: the shared corpus and books built in code.

mod annotations;
mod calibre;
mod corpus;
mod library;
mod online;
mod search;
mod server;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cartable_core::{Library, Options, SystemClock};

pub fn corpus_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    assert!(dir.join("MANIFEST.tsv").is_file(), "the shared corpus must be at {}", dir.display());
    dir
}

pub fn corpus(file: &str) -> PathBuf {
    corpus_dir().join(file)
}

/// One line of MANIFEST.tsv.
pub struct Entry {
    pub file: String,
    pub kind: String,
    pub notes: String,
}

impl Entry {
    /// A `key=value` fact from the notes' brackets, e.g. `pages` or `spine`.
    pub fn fact(&self, key: &str) -> Option<String> {
        let pattern = format!("{key}=");
        let start = self.notes.find(&pattern)? + pattern.len();
        Some(self.notes[start..].split([';', ']']).next()?.trim().to_owned())
    }

    pub fn count(&self, key: &str) -> Option<usize> {
        self.fact(key)?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    }

    /// The user password the manifest gives, for encrypted PDFs.
    pub fn password(&self) -> Option<String> {
        let start = self.notes.find("user password '")? + "user password '".len();
        Some(self.notes[start..].split('\'').next()?.to_owned())
    }
}

pub fn manifest() -> Vec<Entry> {
    let text = std::fs::read_to_string(corpus_dir().join("MANIFEST.tsv")).expect("manifest");
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 6).then(|| Entry { file: f[0].into(), kind: f[4].into(), notes: f[5].into() })
        })
        .collect()
}

/// A fresh, empty library in a temporary folder (no bundled books).
pub fn library() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().expect("tmp");
    let library = Library::open(dir.path(), Options { clock: Arc::new(SystemClock), pdfium: None, seed: Vec::new() })
        .expect("open library");
    (dir, library)
}
