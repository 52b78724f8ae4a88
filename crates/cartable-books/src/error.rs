//! What can go wrong while building the books.

use std::io;
use std::path::PathBuf;

/// An error of the builder. Each message names the file to look at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A source file or a committed book could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    /// A book could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    /// A mistake in a source file, at a given line (0 when it concerns the whole file).
    #[error("{}: {message}", location(path, *line))]
    Source { path: PathBuf, line: usize, message: String },
    /// The sources are valid but do not fit the page: reword or split them.
    #[error("{}: {message}", path.display())]
    Layout { path: PathBuf, message: String },
    /// An EPUB source tree breaks a rule of the EPUB specification.
    #[error("{}: {message}", path.display())]
    Epub { path: PathBuf, message: String },
    /// The zip container could not be written.
    #[error("packing {}: {source}", path.display())]
    Zip { path: PathBuf, source: zip::result::ZipError },
}

/// `path:line`, or just the path when the line is unknown.
fn location(path: &std::path::Path, line: usize) -> String {
    match line {
        0 => path.display().to_string(),
        n => format!("{}:{n}", path.display()),
    }
}
