//! The textbooks bundled with Cartable, and the builder that makes them.
//!
//! [`BUNDLED`] holds the three books as bytes, for the app to import into an
//! empty library on first start. The books themselves are written by this
//! crate's binary from the sources in `books/src/` (`cargo run -p cartable-books
//! -- build`), and `check` proves that the committed files are exactly what the
//! sources give: no clock, no randomness, fixed compression levels.
//!
//! - [`pdf`]: a small PDF writer (objects, xref, standard fonts, outline, page labels).
//! - [`textbook`]: the typesetter of the PDF textbook, from a line-based markup.
//! - [`epub`]: checks an unzipped EPUB tree and packs it reproducibly.

mod date;
mod epub;
mod error;
mod pdf;
mod shelf;
mod textbook;

pub use error::Error;
pub use shelf::{Format, RECIPES, Reason, Recipe, Stale, books_dir, check, write_all};

/// A book shipped inside the app.
#[derive(Clone, Copy, Debug)]
pub struct Bundled {
    pub file_name: &'static str,
    pub bytes: &'static [u8],
}

/// The bundled books, in the order of [`RECIPES`]: the mathematics PDF, the
/// reflowable science EPUB, the fixed-layout geometry workbook.
pub const BUNDLED: &[Bundled] = &[
    Bundled {
        file_name: "mathematiques-6e.pdf",
        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../books/mathematiques-6e.pdf")),
    },
    Bundled {
        file_name: "sciences-cycle-de-l-eau.epub",
        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../books/sciences-cycle-de-l-eau.epub")),
    },
    Bundled {
        file_name: "geometrie-cahier-fxl.epub",
        bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../books/geometrie-cahier-fxl.epub")),
    },
];

/// The catalogue of the bundled books (OPDS 1.2, `books/catalogue.xml`): the app serves it and
/// the books it links at `bundled://cartable/…`, so that catalogues can be tried offline.
pub const CATALOGUE: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../books/catalogue.xml"));
