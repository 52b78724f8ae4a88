//! EPUB 2 and EPUB 3 reading for Cartable, hardened against hostile files.
//!
//! ```no_run
//! # fn main() -> Result<(), cartable_epub::Error> {
//! let mut book = cartable_epub::open(std::path::Path::new("book.epub"))?;
//! println!("{} ({} chapters)", book.metadata().title, book.spine().len());
//! let first = book.section_text(0)?;
//! # Ok(()) }
//! ```
//!
//! The input is untrusted: books for children come from anywhere. Every malformed or hostile
//! input is an [`Error`] value with a message a parent can act on; nothing panics and memory
//! stays bounded:
//!
//! - the archive is validated before anything is inflated: names (UTF-8, no `..`, absolute path,
//!   backslash, drive letter or NUL), no duplicate names, total declared size ≤ 2 GiB, no entry
//!   expanding more than 100:1 beyond 1 MiB;
//! - reads never trust declared sizes (at most declared + 1 bytes are inflated) and are capped:
//!   256 MiB for a resource, 32 MiB for an XML document;
//! - XML: DOCTYPEs declaring entities are refused, nesting is capped at 1024, trees at 500 000
//!   nodes; entities are never expanded beyond the fixed HTML set;
//! - `META-INF/encryption.xml`: font obfuscation is accepted, any other encryption of the
//!   package or a spine document is [`Error::Drm`].
//!
//! Tolerated, and reported through [`Book::warnings`]: spine itemrefs naming no manifest item
//! or a missing file (skipped), and unreadable navigation documents (the table of contents
//! then comes from the other source or is empty).
//!
//! Module map: `archive` (ZIP checks and bounded reads), `container` (container.xml,
//! encryption.xml), `package` (OPF), `nav` (nav document, NCX), `text` (searchable text),
//! `xml` (checked XML reading), `entity` (HTML named entities), `path` (href resolution), `book`
//! (the [`Book`] façade), `error`.

#![warn(missing_docs)]

mod archive;
mod book;
mod container;
mod entity;
mod error;
mod nav;
mod obfuscation;
mod package;
mod path;
mod text;
mod xml;

pub use book::{Book, Warning, from_bytes, open};
pub use error::Error;
pub use nav::{PageTarget, TocEntry};
pub use package::{Direction, Identifier, Layout, Metadata, Resource, SpineItem};
pub use text::TextChunk;
