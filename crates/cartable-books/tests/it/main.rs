//! Integration tests of the bundled books: reproducible from their sources, and
//! structurally sound as PDF and EPUB files.

mod epub;
mod pdf;
mod reproducible;

use cartable_books::{BUNDLED, Bundled};

/// The bundled book with this file name.
fn bundled(file_name: &str) -> &'static Bundled {
    BUNDLED.iter().find(|b| b.file_name == file_name).expect("the book is bundled")
}

/// The position of `needle` in `haystack`, on bytes: PDF files are not UTF-8.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
