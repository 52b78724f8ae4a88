//! What the library knows about a book. These are the view types that cross to the CLI's JSON
//! and the desktop shell (camelCase), never database rows.

use serde::{Deserialize, Serialize};

use crate::BookId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Epub,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Epub => "epub",
        }
    }

    pub(crate) fn parse(s: &str) -> Format {
        if s == "epub" { Format::Epub } else { Format::Pdf }
    }

    pub fn extension(self) -> &'static str {
        self.as_str()
    }
}

/// How the reader lays a book out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// PDF pages, rendered as images.
    Paged,
    /// EPUB text that reflows to the window.
    Reflowable,
    /// Fixed-layout EPUB: each spine item is a page.
    PrePaginated,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Paged => "paged",
            Layout::Reflowable => "reflowable",
            Layout::PrePaginated => "pre-paginated",
        }
    }

    pub(crate) fn parse(s: &str) -> Layout {
        match s {
            "reflowable" => Layout::Reflowable,
            "pre-paginated" => Layout::PrePaginated,
            _ => Layout::Paged,
        }
    }
}

/// Where a book came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// Imported from a file the user chose.
    File { path: String },
    /// One of the textbooks that ship with Cartable.
    Bundled { name: String },
    /// Downloaded from a catalogue.
    Catalog { url: String, catalog: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    pub scheme: Option<String>,
    pub value: String,
}

/// One line of the library list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BookSummary {
    pub id: BookId,
    pub title: String,
    pub authors: Vec<String>,
    pub format: Format,
    pub layout: Layout,
    /// PDF pages, or fixed-layout EPUB pages; none for a reflowable EPUB.
    pub pages: Option<usize>,
    /// EPUB spine length; none for a PDF.
    pub sections: Option<usize>,
    pub language: Option<String>,
    pub file_size: u64,
    pub added_at: i64,
    pub opened_at: Option<i64>,
    /// Where the book came from (for a catalogue download: the address it was fetched from,
    /// which the catalogue view matches against entries to say "in my library").
    pub source: Source,
}

/// An entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TocEntry {
    pub title: String,
    pub depth: u32,
    /// PDF: the 0-based target page. EPUB: the 0-based spine index.
    pub page: Option<usize>,
    /// EPUB: the target inside the book (`path#fragment`).
    pub href: Option<String>,
}

/// A printed page label and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageLabel {
    pub label: String,
    /// PDF: the 0-based page. EPUB: the 0-based spine index holding the page break.
    pub page: Option<usize>,
    /// EPUB: the page break's target (`path#fragment`).
    pub href: Option<String>,
}

/// An EPUB spine item.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub href: String,
    pub media_type: String,
    pub linear: bool,
    pub layout: Option<Layout>,
    /// Uncompressed size in bytes (readers weigh progress through the book with it).
    pub size: u64,
}

/// A PDF page's size in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

/// Everything about one book.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Book {
    #[serde(flatten)]
    pub summary: BookSummary,
    pub publisher: Option<String>,
    pub description: Option<String>,
    pub subjects: Vec<String>,
    pub identifiers: Vec<Identifier>,
    pub published: Option<String>,
    pub direction: String,
    pub was_protected: bool,
    pub has_cover: bool,
    pub toc: Vec<TocEntry>,
    pub page_labels: Vec<PageLabel>,
    /// EPUB spine, in reading order.
    pub spine: Vec<Section>,
    pub page_sizes: Vec<PageSize>,
    #[serde(skip)]
    pub(crate) file_path: String,
    #[serde(skip)]
    pub(crate) file_sha256: String,
    #[serde(skip)]
    pub(crate) cover_path: Option<String>,
}

impl Book {
    pub fn id(&self) -> &BookId {
        &self.summary.id
    }
}

/// Where the pupil is in a book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    /// The reader's locator: `page:N` (0-based) for a PDF, an EPUB CFI for an EPUB.
    pub loc: String,
    /// How far through the book, from 0 to 1.
    pub progress: f64,
    /// The printed page label shown there, if any.
    pub label: Option<String>,
}

/// A book on the shelf: the list entry, with how far the pupil got and whether it can be read
/// offline.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShelfBook {
    #[serde(flatten)]
    pub summary: BookSummary,
    pub progress: Option<f64>,
    /// The book's file is in the library: it opens with no connection.
    pub available: bool,
}

/// A book opened for reading, with where the pupil was.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Opened {
    pub book: Book,
    pub position: Option<Position>,
}
