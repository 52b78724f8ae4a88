//! The Cartable library: a folder holding textbooks (PDF, EPUB), a SQLite database with their
//! metadata, structure, text and search index, and a cache of rendered pages.
//!
//! [`Library`] is the one façade the shells call. The core never finds paths or reads the
//! clock by itself: the shell passes the folder and a [`Clock`].

pub mod annotations;
mod clock;
mod db;
mod error;
mod files;
pub mod helper;
pub mod home;
mod id;
mod import;
mod library;
mod model;
pub mod online;
pub mod profiles;
mod render;
mod sanitize;
mod search;
mod store;
pub mod text;
mod textlayer;

pub use annotations::{Anchor, Annotation, Change as AnnotationChange, NewAnnotation};
pub use clock::{Clock, Hlc, HlcSource, Millis, SystemClock};
pub use error::{Error, ErrorView, Result};
pub use files::{read_small_file, write_file_atomically};
pub use id::BookId;
pub use library::annotate::{AnnotationsImport, ExportFormat, NoteHit, Unplaced};
pub use library::{CheckReport, ImportLine, ImportStatus, Imported, Library, Options, Progress, Seed};
pub use model::{
    Book, BookSummary, Format, Identifier, Layout, Opened, PageLabel, PageSize, Position, Section, ShelfBook, Source,
    TocEntry,
};
pub use profiles::{Profile, ProfileId};
pub use render::{DEFAULT_WIDTH, MAX_WIDTH, PAGE_MIME, PageImage, THUMBNAIL_WIDTH, encode as encode_page};
pub use sanitize::BOOK_CSP;
pub use search::Hit;
pub use textlayer::TextRun;

/// Re-exported so that shells and benchmarks name the engine's types without depending on it.
pub use cartable_pdf;
