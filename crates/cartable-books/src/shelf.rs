//! The books on the shelf: where the sources of each are, how it is made, and
//! whether the committed files are what their sources give.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::Error;

/// How a book is made from its sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A PDF set by the crate's typesetter from markup files.
    Textbook,
    /// An EPUB packed from its unzipped tree.
    Epub,
}

/// One bundled book: the file in `books/` and its sources in `books/src/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recipe {
    pub file_name: &'static str,
    /// The folder under `books/src/`.
    pub source: &'static str,
    pub format: Format,
}

/// Every bundled book, in the order of [`crate::BUNDLED`].
pub const RECIPES: &[Recipe] = &[
    Recipe { file_name: "mathematiques-6e.pdf", source: "mathematiques-6e", format: Format::Textbook },
    Recipe { file_name: "sciences-cycle-de-l-eau.epub", source: "sciences-cycle-de-l-eau", format: Format::Epub },
    Recipe { file_name: "geometrie-cahier-fxl.epub", source: "geometrie-cahier-fxl", format: Format::Epub },
];

impl Recipe {
    /// Builds the book in memory from `books/src/<source>`.
    pub fn build(&self, books: &Path) -> Result<Vec<u8>, Error> {
        let dir = books.join("src").join(self.source);
        match self.format {
            Format::Textbook => crate::textbook::build(&dir),
            Format::Epub => crate::epub::build(&dir),
        }
    }
}

/// The `books/` folder of the workspace this crate was compiled in.
pub fn books_dir() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir.ancestors().nth(2).unwrap_or(crate_dir).join("books")
}

/// Builds every book and writes those that changed; returns the files written.
pub fn write_all(books: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for recipe in RECIPES {
        let bytes = recipe.build(books)?;
        let path = books.join(recipe.file_name);
        if fs::read(&path).ok().as_deref() == Some(bytes.as_slice()) {
            continue;
        }
        fs::write(&path, &bytes).map_err(|source| Error::Write { path: path.clone(), source })?;
        written.push(path);
    }
    Ok(written)
}

/// A committed book that is not what its sources give.
#[derive(Debug, PartialEq, Eq)]
pub struct Stale {
    pub path: PathBuf,
    pub reason: Reason,
}

/// Why a committed book is stale.
#[derive(Debug, PartialEq, Eq)]
pub enum Reason {
    Missing,
    Differs { committed: usize, built: usize },
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.reason {
            Reason::Missing => write!(f, "{path} is missing"),
            Reason::Differs { committed, built } => write!(
                f,
                "{path} differs from what its sources give ({committed} bytes committed, {built} bytes built)"
            ),
        }
    }
}

/// Rebuilds every book in memory and compares it with the committed file.
pub fn check(books: &Path) -> Result<Vec<Stale>, Error> {
    let mut stale = Vec::new();
    for recipe in RECIPES {
        let built = recipe.build(books)?;
        let path = books.join(recipe.file_name);
        let reason = match fs::read(&path) {
            Err(_) => Some(Reason::Missing),
            Ok(committed) if committed != built => {
                Some(Reason::Differs { committed: committed.len(), built: built.len() })
            }
            Ok(_) => None,
        };
        if let Some(reason) = reason {
            stale.push(Stale { path, reason });
        }
    }
    Ok(stale)
}
