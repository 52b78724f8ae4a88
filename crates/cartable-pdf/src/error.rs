use std::path::PathBuf;

/// What can go wrong with a PDF, phrased so that a caller can act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the PDF engine (libpdfium.so) was not found; looked in: {}. Run scripts/setup, or set CARTABLE_PDFIUM to the library's path",
        .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    LibraryMissing { searched: Vec<PathBuf> },

    #[error(
        "the PDF engine at {path} could not be loaded ({message}); run scripts/setup to install the pinned version"
    )]
    LibraryLoad { path: PathBuf, message: String },

    #[error("this PDF is protected by a password; give it with --password-stdin")]
    PasswordRequired,

    #[error("the password is wrong for this PDF; check it and try again")]
    WrongPassword,

    #[error("this PDF uses a security handler that Cartable cannot open (certificate or DRM protection)")]
    UnsupportedSecurity,

    #[error("this file is not a readable PDF (damaged or not a PDF at all); download it again or ask for another copy")]
    Corrupt,

    #[error("this PDF has no pages")]
    NoPages,

    #[error("page {page} does not exist; the book has {count} pages")]
    PageOutOfRange { page: usize, count: usize },

    #[error("page {page} could not be rendered ({message})")]
    Render { page: usize, message: String },

    #[error("the PDF could not be saved without its password protection ({message})")]
    Decrypt { message: String },

    #[error("mark {index} cannot be written into the PDF: {reason}")]
    InvalidMark { index: usize, reason: &'static str },

    #[error("the annotated copy could not be written ({message})")]
    Annotate { message: String },

    #[error("reading the PDF failed: {0}")]
    Io(#[from] std::io::Error),

    #[error("the PDF engine stopped unexpectedly; restart Cartable")]
    EngineStopped,
}
